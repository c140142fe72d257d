using System.Collections.Immutable;

namespace IdentityEhr.Ethereum.Transactions;

/// <summary>One entry of an EIP-2930 access list: an address and the storage slots the transaction will touch there.</summary>
/// <remarks>EIP-2930 §Specification: <c>[[address, [storageKey, …]], …]</c>, each key 32 bytes; used by EIP-1559 transactions.</remarks>
public sealed class AccessListEntry : IEquatable<AccessListEntry>
{
    /// <summary>The size of a storage key in bytes.</summary>
    public const int StorageKeySizeInBytes = 32;

    /// <summary>Creates an entry.</summary>
    /// <param name="address">The account or contract.</param>
    /// <param name="storageKeys">The storage keys, each <see cref="StorageKeySizeInBytes"/> bytes; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="storageKeys"/> or one of its keys is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A storage key is not 32 bytes long.</exception>
    public AccessListEntry(Address address, IEnumerable<byte[]> storageKeys)
    {
        ArgumentNullException.ThrowIfNull(storageKeys);
        var keys = ImmutableArray.CreateBuilder<ImmutableArray<byte>>();
        foreach (var key in storageKeys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(storageKeys));
            if (key.Length != StorageKeySizeInBytes)
            {
                throw new ArgumentException($"A storage key is {StorageKeySizeInBytes} bytes.", nameof(storageKeys));
            }

            keys.Add([.. key]);
        }

        Address = address;
        StorageKeys = keys.DrainToImmutable();
    }

    private AccessListEntry(Address address, ImmutableArray<ImmutableArray<byte>> storageKeys)
    {
        Address = address;
        StorageKeys = storageKeys;
    }

    /// <summary>Gets the account or contract address.</summary>
    public Address Address { get; }

    /// <summary>Gets the storage keys, each 32 bytes, in order.</summary>
    public ImmutableArray<ImmutableArray<byte>> StorageKeys { get; }

    /// <summary>Compares address and keys, in order.</summary>
    /// <param name="other">The other entry.</param>
    /// <returns><see langword="true"/> when both entries encode the same; otherwise <see langword="false"/>.</returns>
    public bool Equals(AccessListEntry? other) =>
        other is not null && other.Address == Address && other.StorageKeys.Length == StorageKeys.Length
        && StorageKeys.Zip(other.StorageKeys).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second.AsSpan()));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AccessListEntry);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, StorageKeys.Length);

    /// <summary>Creates an entry from decoded parts already checked for size.</summary>
    internal static AccessListEntry FromTrusted(Address address, ImmutableArray<ImmutableArray<byte>> storageKeys) => new(address, storageKeys);
}
