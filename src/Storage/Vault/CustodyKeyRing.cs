using System.Collections.Frozen;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// The custody keys a vault may unwrap with, by id, and the one it wraps new data keys with. More than one key is held only
/// while a rotation is rewrapping (<see cref="RecordVault.RotateCustodyKeyAsync"/>).
/// </summary>
public sealed class CustodyKeyRing
{
    private readonly FrozenDictionary<string, CustodyKey> _keys;

    /// <summary>Makes a ring.</summary>
    /// <param name="current">The key new data keys are wrapped with.</param>
    /// <param name="others">Keys that rows may still name until rewrapped.</param>
    public CustodyKeyRing(CustodyKey current, params IEnumerable<CustodyKey> others)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(others);
        Current = current;
        var keys = new Dictionary<string, CustodyKey>(StringComparer.Ordinal) { [current.Id] = current };
        foreach (var key in others)
        {
            keys.TryAdd(key.Id, key);
        }

        _keys = keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Gets the key new data keys are wrapped with.</summary>
    public CustodyKey Current { get; }

    /// <summary>Gets the ids of every key held.</summary>
    public IReadOnlyCollection<string> Ids => _keys.Keys;

    /// <summary>Finds a key by id.</summary>
    /// <param name="id">The id a row names.</param>
    /// <returns>The key, or <see langword="null"/> when the ring does not hold it.</returns>
    public CustodyKey? Find(string id) => _keys.GetValueOrDefault(id);
}
