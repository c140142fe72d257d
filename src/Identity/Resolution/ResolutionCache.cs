using IdentityEhr.Identity.Dids;

namespace IdentityEhr.Identity.Resolution;

/// <summary>A bounded least-recently-used cache of successful resolution results, each with its own expiry.</summary>
internal sealed class ResolutionCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _gate = new();

    public static string Key(Did did, DidResolutionOptions options) =>
        $"{did}|{(int)options.PublicKeyFormat}|{(options.EnableEncryptionKeyDerivation ? 1 : 0)}|{options.VersionId}|{options.VersionTime?.UtcTicks}";

    public bool TryGet(string key, DateTimeOffset now, out DidResolutionResult result)
    {
        result = null!;
        if (capacity == 0)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return false;
            }

            if (node.Value.Expires <= now)
            {
                _order.Remove(node);
                _entries.Remove(key);
                return false;
            }

            _order.Remove(node);
            _order.AddFirst(node);
            result = node.Value.Result;
            return true;
        }
    }

    public void Add(string key, DidResolutionResult result, DateTimeOffset expires)
    {
        if (capacity == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.Remove(key, out var existing))
            {
                _order.Remove(existing);
            }

            while (_entries.Count >= capacity && _order.Last is { } oldest)
            {
                _entries.Remove(oldest.Value.Key);
                _order.RemoveLast();
            }

            _entries[key] = _order.AddFirst(new Entry(key, result, expires));
        }
    }

    private sealed record Entry(string Key, DidResolutionResult Result, DateTimeOffset Expires);
}
