using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using IdentityEhr.Ethereum.Crypto;

namespace IdentityEhr.Ethereum.Abi;

/// <summary>A contract event: its canonical signature, topic0, parameters, and the decoding of its logs.</summary>
/// <remarks>
/// Solidity "Contract ABI Specification", "Events": topic0 is Keccak-256 of the canonical signature (absent for anonymous
/// events); each indexed parameter takes one topic; the other parameters are ABI-encoded, as a tuple, in the log data.
/// </remarks>
public sealed class EventSignature
{
    /// <summary>The most indexed parameters an event that is not anonymous may have (an anonymous one may have one more).</summary>
    public const int MaxIndexedParameters = 3;

    private const int TopicSizeInBytes = Keccak256.HashSizeInBytes;

    private readonly byte[] _topic0;
    private readonly ImmutableArray<AbiType> _dataTypes;
    private readonly int _indexedCount;

    private EventSignature(string name, ImmutableArray<EventParameter> parameters, bool isAnonymous)
    {
        Name = name;
        Parameters = parameters;
        IsAnonymous = isAnonymous;
        Signature = name + "(" + string.Join(',', parameters.Select(p => p.Type)) + ")";
        _topic0 = Keccak256.HashData(Encoding.ASCII.GetBytes(Signature));
        _dataTypes = [.. parameters.Where(p => !p.IsIndexed).Select(p => p.Type)];
        _indexedCount = parameters.Count(p => p.IsIndexed);
    }

    /// <summary>Gets the event name.</summary>
    public string Name { get; }

    /// <summary>Gets the parameters, in declaration order.</summary>
    public IReadOnlyList<EventParameter> Parameters { get; }

    /// <summary>Gets a value indicating whether the event is anonymous: its logs carry no topic0.</summary>
    public bool IsAnonymous { get; }

    /// <summary>Gets the canonical signature, such as <c>Anchored(uint64,bytes32,uint64)</c>.</summary>
    public string Signature { get; }

    /// <summary>Gets topic0: Keccak-256 of <see cref="Signature"/>.</summary>
    public ReadOnlySpan<byte> Topic0 => _topic0;

    /// <summary>Creates an event signature from its parts.</summary>
    /// <param name="name">The event name, a Solidity identifier.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="isAnonymous">Whether the event is anonymous.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/>, <paramref name="parameters"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is not an identifier, two parameters share a name, or too many are indexed.</exception>
    public static EventSignature Create(string name, IReadOnlyList<EventParameter> parameters, bool isAnonymous = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Any(p => p is null))
        {
            throw new ArgumentNullException(nameof(parameters), "A parameter is null.");
        }

        ImmutableArray<EventParameter> array = [.. parameters];
        return Check(name, array, isAnonymous) switch
        {
            AbiSyntaxError.None => new EventSignature(name, array, isAnonymous),
            AbiSyntaxError.InvalidName => throw new ArgumentException("An event name is a Solidity identifier.", nameof(name)),
            AbiSyntaxError.DuplicateName => throw new ArgumentException("Two parameters have the same name.", nameof(parameters)),
            _ => throw new ArgumentException("The event has more indexed parameters than a log has topics.", nameof(parameters)),
        };
    }

    /// <summary>Parses an event such as <c>Anchored(uint64 indexed seq, bytes32 indexed root, uint64 treeSize)</c>.</summary>
    /// <param name="text">The event text.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not an event signature.</exception>
    public static EventSignature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var signature, out var error) ? signature : throw new FormatException($"Not an event signature: {error}.");
    }

    /// <summary>Tries to parse an event: a name, then parameters in parentheses, each a type, optionally <c>indexed</c>, optionally a name;
    /// optionally followed by <c>anonymous</c>. Spaces are allowed between tokens but not inside a type.</summary>
    /// <param name="text">The event text.</param>
    /// <param name="signature">The signature when parsing succeeds.</param>
    /// <param name="error">Why parsing failed, or <see cref="AbiSyntaxError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is an event signature; otherwise <see langword="false"/>.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out EventSignature? signature, out AbiSyntaxError error)
    {
        signature = null;
        error = new AbiTextReader(text ?? string.Empty).ReadSignature(isEvent: true, out var name, out var parameters, out _, out var isAnonymous);
        if (error == AbiSyntaxError.None)
        {
            error = Check(name, parameters, isAnonymous);
        }

        if (error != AbiSyntaxError.None)
        {
            return false;
        }

        signature = new EventSignature(name, parameters, isAnonymous);
        return true;
    }

    /// <summary>Tries to decode a log of this event into its arguments by name.</summary>
    /// <remarks>
    /// Indexed parameters of an elementary type (integers, <c>address</c>, <c>bool</c>, <c>bytes&lt;M&gt;</c>) come from their topic,
    /// checked as strictly as data (an address must be left-padded with zeros). Indexed <c>bytes</c>, <c>string</c>, arrays and tuples
    /// are stored only as Keccak-256 of their encoding, so their value is that 32-byte hash as <see cref="AbiBytes"/>.
    /// The other parameters are decoded strictly from <paramref name="data"/>.
    /// </remarks>
    /// <param name="topics">The log's topics, 32 bytes each.</param>
    /// <param name="data">The log's data.</param>
    /// <param name="fields">The arguments when decoding succeeds, keyed by parameter name; an unnamed parameter is keyed by its position (<c>"0"</c>, <c>"1"</c>, …).</param>
    /// <param name="error">Why decoding failed, or <see cref="AbiError.None"/>.</param>
    /// <returns><see langword="true"/> when the log is an instance of this event; otherwise <see langword="false"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="topics"/> or one of its items is <see langword="null"/>.</exception>
    public bool TryDecodeLog(
        IReadOnlyList<byte[]> topics,
        ReadOnlySpan<byte> data,
        [NotNullWhen(true)] out IReadOnlyDictionary<string, AbiValue>? fields,
        out AbiError error)
    {
        ArgumentNullException.ThrowIfNull(topics);
        fields = null;
        error = CheckTopics(topics);
        if (error != AbiError.None || !AbiCodec.TryDecode(_dataTypes, data, out var dataValues, out error))
        {
            return false;
        }

        var decoded = new Dictionary<string, AbiValue>(Parameters.Count, StringComparer.Ordinal);
        var topic = IsAnonymous ? 0 : 1;
        var dataIndex = 0;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var parameter = Parameters[i];
            AbiValue value;
            if (!parameter.IsIndexed)
            {
                value = dataValues[dataIndex++];
            }
            else if (parameter.Type is AbiIntegerType or AbiAddressType or AbiBoolType or AbiFixedBytesType)
            {
                error = AbiCodec.DecodeWord(parameter.Type, topics[topic++], out var word);
                if (error != AbiError.None)
                {
                    return false;
                }

                value = word!;
            }
            else
            {
                value = new AbiBytes(topics[topic++]);
            }

            decoded.Add(parameter.Name.Length > 0 ? parameter.Name : i.ToString(CultureInfo.InvariantCulture), value);
        }

        fields = new ReadOnlyDictionary<string, AbiValue>(decoded);
        return true;
    }

    /// <summary>Returns the canonical signature.</summary>
    /// <returns><see cref="Signature"/>.</returns>
    public override string ToString() => Signature;

    private static AbiSyntaxError Check(string name, ImmutableArray<EventParameter> parameters, bool isAnonymous)
    {
        var named = parameters.Where(p => p.Name.Length > 0).Select(p => p.Name).ToList();
        return !AbiTextReader.IsIdentifier(name) ? AbiSyntaxError.InvalidName
            : named.Distinct(StringComparer.Ordinal).Count() != named.Count ? AbiSyntaxError.DuplicateName
            : parameters.Count(p => p.IsIndexed) > MaxIndexedParameters + (isAnonymous ? 1 : 0) ? AbiSyntaxError.TooManyIndexed
            : AbiSyntaxError.None;
    }

    private AbiError CheckTopics(IReadOnlyList<byte[]> topics)
    {
        for (var i = 0; i < topics.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(topics[i], nameof(topics));
            if (topics[i].Length != TopicSizeInBytes)
            {
                return AbiError.MalformedTopic;
            }
        }

        if (!IsAnonymous && topics.Count > 0 && !topics[0].AsSpan().SequenceEqual(_topic0))
        {
            return AbiError.EventTopicMismatch;
        }

        return topics.Count != (IsAnonymous ? 0 : 1) + _indexedCount ? AbiError.TopicCountMismatch : AbiError.None;
    }
}
