using System.Text.Json;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>The functions and events of a contract's JSON ABI (as in a compiler artifact's <c>abi</c> member).</summary>
/// <remarks>
/// Solidity "Contract ABI Specification", "JSON": entries of type <c>function</c> (the default) and <c>event</c> are read, with
/// <c>tuple</c> types expanded from their <c>components</c>; constructor, fallback, receive and error entries are skipped.
/// </remarks>
public sealed class ContractAbi
{
    private ContractAbi(IReadOnlyList<FunctionSignature> functions, IReadOnlyList<EventSignature> events)
    {
        Functions = functions;
        Events = events;
    }

    /// <summary>Gets the functions, in the order of the ABI.</summary>
    public IReadOnlyList<FunctionSignature> Functions { get; }

    /// <summary>Gets the events, in the order of the ABI.</summary>
    public IReadOnlyList<EventSignature> Events { get; }

    /// <summary>Reads a JSON ABI array.</summary>
    /// <param name="json">The ABI JSON, such as <see cref="Contracts.ContractArtifact.AbiJson"/>.</param>
    /// <returns>The ABI.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The JSON is not an ABI array, or a function, event or type in it is invalid.</exception>
    public static ContractAbi Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("A JSON ABI is an array.");
            }

            var functions = new List<FunctionSignature>();
            var events = new List<EventSignature>();
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var kind = entry.TryGetProperty("type", out var type) ? type.GetString() : "function";
                if (kind == "function")
                {
                    functions.Add(FunctionSignature.Create(
                        entry.GetProperty("name").GetString()!,
                        [.. Parameters(entry, "inputs").Select(p => ReadType(p))],
                        [.. Parameters(entry, "outputs").Select(p => ReadType(p))]));
                }
                else if (kind == "event")
                {
                    events.Add(EventSignature.Create(
                        entry.GetProperty("name").GetString()!,
                        [.. Parameters(entry, "inputs").Select(p => new EventParameter(
                            p.TryGetProperty("name", out var name) ? name.GetString() ?? string.Empty : string.Empty,
                            ReadType(p),
                            p.TryGetProperty("indexed", out var indexed) && indexed.GetBoolean()))],
                        entry.TryGetProperty("anonymous", out var anonymous) && anonymous.GetBoolean()));
                }
            }

            return new ContractAbi(functions.AsReadOnly(), events.AsReadOnly());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("The JSON is not a valid contract ABI.", e);
        }
    }

    /// <summary>Finds the one function with this name, or with this canonical signature (to pick one of several overloads).</summary>
    /// <param name="nameOrSignature">A function name, such as <c>setAttribute</c>, or a canonical signature.</param>
    /// <returns>The function.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="nameOrSignature"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No function matches, or the name is overloaded.</exception>
    public FunctionSignature GetFunction(string nameOrSignature) =>
        Single(Functions, nameOrSignature, f => f.Name, f => f.Signature);

    /// <summary>Finds the one event with this name, or with this canonical signature.</summary>
    /// <param name="nameOrSignature">An event name, such as <c>DIDAttributeChanged</c>, or a canonical signature.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="nameOrSignature"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No event matches, or the name is overloaded.</exception>
    public EventSignature GetEvent(string nameOrSignature) =>
        Single(Events, nameOrSignature, e => e.Name, e => e.Signature);

    private static T Single<T>(IReadOnlyList<T> items, string nameOrSignature, Func<T, string> name, Func<T, string> signature)
    {
        ArgumentNullException.ThrowIfNull(nameOrSignature);
        var matches = items.Where(i => name(i) == nameOrSignature || signature(i) == nameOrSignature).Take(2).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ArgumentException("The ABI has no such entry.", nameof(nameOrSignature)),
            _ => throw new ArgumentException("The name is overloaded; give the canonical signature.", nameof(nameOrSignature)),
        };
    }

    private static JsonElement[] Parameters(JsonElement entry, string member) =>
        entry.TryGetProperty(member, out var list) ? [.. list.EnumerateArray()] : [];

    private static AbiType ReadType(JsonElement parameter)
    {
        var text = TypeText(parameter);
        return AbiType.TryParse(text, out var type, out var error) ? type : throw new FormatException($"Not an ABI type in the JSON: {error}.");
    }

    /// <summary>Writes a JSON parameter's type as type text, expanding <c>tuple…</c> into <c>(components)…</c>.</summary>
    private static string TypeText(JsonElement parameter)
    {
        var type = parameter.GetProperty("type").GetString() ?? throw new FormatException("A parameter type is null.");
        return type.StartsWith("tuple", StringComparison.Ordinal)
            ? "(" + string.Join(',', parameter.GetProperty("components").EnumerateArray().Select(TypeText)) + ")" + type["tuple".Length..]
            : type;
    }
}
