namespace IdentityEhr.Ethereum.Abi;

/// <summary>A parameter of an event: its name, type, and whether it is indexed (a topic) or in the log data.</summary>
/// <remarks>Solidity "Contract ABI Specification", "Events".</remarks>
public sealed record EventParameter
{
    /// <summary>Creates an event parameter.</summary>
    /// <param name="name">The name: a Solidity identifier, or empty when the parameter is unnamed.</param>
    /// <param name="type">The type.</param>
    /// <param name="isIndexed">Whether the parameter is indexed, so that it travels in a topic.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="type"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is neither empty nor an identifier.</exception>
    public EventParameter(string name, AbiType type, bool isIndexed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(type);
        if (name.Length > 0 && !AbiTextReader.IsIdentifier(name))
        {
            throw new ArgumentException("A parameter name is a Solidity identifier or empty.", nameof(name));
        }

        Name = name;
        Type = type;
        IsIndexed = isIndexed;
    }

    /// <summary>Gets the name, or an empty string when the parameter is unnamed.</summary>
    public string Name { get; }

    /// <summary>Gets the type.</summary>
    public AbiType Type { get; }

    /// <summary>Gets a value indicating whether the parameter is indexed (in a topic rather than the data).</summary>
    public bool IsIndexed { get; }
}
