using System.Buffers.Binary;
using System.Net.Sockets;
using IdentityEhr.AuditLog;
using IdentityEhr.AuditLog.Checkpoints;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.AuditLog.Notes;
using IdentityEhr.AuditLog.Receipts;
using IdentityEhr.AuditLog.Tiles;
using IdentityEhr.Storage.Events;
using IdentityEhr.Storage.Internal;
using Npgsql;

namespace IdentityEhr.Storage;

/// <summary>The read side of the Merkle log in PostgreSQL: tree head, tiles, entry bundles, proofs and signed checkpoints.</summary>
/// <remarks>
/// Proofs are built from tiles exactly as a tlog-tiles client would build them, so what the service proves is what a mirror
/// of its tiles proves. Checkpoints are signed only after a consistency proof from the previous checkpoint to the new tree
/// head, built from the stored tiles, verifies: the log never signs a head inconsistent with one it signed before.
/// Database failures surface as <see cref="DatabaseUnavailableException"/>.
/// </remarks>
public sealed partial class LogStore : IAsyncDisposable
{
    private const int MaxCachedTiles = 4096;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    // Tiles above level 0 are few (1/256 of the level below) and a tile's hashes never change as it fills: proofs read them
    // from memory when the cached copy is wide enough for the tree size asked about. Bounded.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TileId, Tile> _upperTiles = new();

    // The largest tree size seen; the tree only grows, so a proof for a size up to it needs no fresh read of the head.
    private long _knownSize;

    internal LogStore(NpgsqlDataSource dataSource, bool ownsDataSource = false, EventStore? writer = null)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        Anchors = new AnchorStore(this, dataSource, writer);
    }

    /// <summary>Gets the anchors projection (and, when the log was opened through an <see cref="EventStore"/>, the anchorer's journal).</summary>
    public AnchorStore Anchors { get; }

    /// <summary>Connects to an existing log to read and verify it, without migrating the schema or starting a writer.</summary>
    /// <param name="connectionString">A PostgreSQL connection string whose search path holds the log's tables.</param>
    /// <returns>The log; dispose it to close its connections.</returns>
    /// <exception cref="ArgumentException">The connection string is invalid.</exception>
    public static LogStore Connect(string connectionString)
    {
        if (!PostgresServer.TryValidateConnectionString(connectionString, out var reason))
        {
            throw new ArgumentException($"Invalid PostgreSQL connection string: {reason}.", nameof(connectionString));
        }

        return new LogStore(NpgsqlDataSource.Create(connectionString), ownsDataSource: true);
    }

    /// <summary>Reads the integrated tree's size and root.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tree head as committed.</returns>
    public Task<TreeState> GetTreeStateAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var state = await ReadTreeStateAsync(connection, null, cancellationToken).ConfigureAwait(false);
                InterlockedMax(ref _knownSize, checked((long)state.TreeSize));
                return state;
            }
        });

    /// <summary>Reads a hash tile or an entry bundle at the width asked for.</summary>
    /// <param name="resource">The tile or bundle; its width must be covered by the integrated tree.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes to serve, or <see langword="null"/> when the tree does not (yet) have that resource at that width.</returns>
    public Task<byte[]?> ReadResourceAsync(TileResource resource, CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            // Indices a path can spell but no tree of signed 64-bit positions reaches: nothing to serve.
            if (resource.Index > (resource.IsEntryBundle ? (ulong)long.MaxValue / TileId.Width : long.MaxValue))
            {
                return null;
            }

            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                if (resource.IsEntryBundle)
                {
                    return await ReadBundleAsync(connection, resource, cancellationToken).ConfigureAwait(false);
                }

                var tiles = await TileQueries.ReadAsync(connection, null, [resource.TileId], cancellationToken).ConfigureAwait(false);
                if (!tiles.TryGetValue(resource.TileId, out var tile) || tile.Width < resource.Width)
                {
                    return null;
                }

                // A partial tile is a prefix of every wider version of it.
                return tile.Hashes[..(resource.Width * TreeHash.SizeInBytes)].ToArray();
            }
        });

    /// <summary>Builds the inclusion proof of a leaf in the tree of a given size, from tiles.</summary>
    /// <param name="leafIndex">The leaf index.</param>
    /// <param name="treeSize">The tree size; at most the integrated size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proof, or <see langword="null"/> when the index or size lies beyond the integrated tree.</returns>
    /// <exception cref="AuditLogIntegrityException">A tile the proof needs is missing or too short.</exception>
    public async Task<InclusionProof?> InclusionProofAsync(ulong leafIndex, ulong treeSize, CancellationToken cancellationToken = default)
    {
        if (leafIndex >= treeSize || !await CoversAsync(treeSize, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var tiles = await ReadTilesAsync(TileProofs.TilesForInclusion(leafIndex, treeSize), treeSize, cancellationToken).ConfigureAwait(false);
        return TileProofs.Inclusion(leafIndex, treeSize, tiles);
    }

    /// <summary>Builds the consistency proof between two sizes of the tree, from tiles.</summary>
    /// <param name="oldSize">The older size, at least 1.</param>
    /// <param name="newSize">The newer size; at most the integrated size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The proof, or <see langword="null"/> when the sizes are not 0 &lt; old ≤ new ≤ integrated size.</returns>
    /// <exception cref="AuditLogIntegrityException">A tile the proof needs is missing or too short.</exception>
    public async Task<ConsistencyProof?> ConsistencyProofAsync(ulong oldSize, ulong newSize, CancellationToken cancellationToken = default)
    {
        if (oldSize == 0 || oldSize > newSize || !await CoversAsync(newSize, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var tiles = await ReadTilesAsync(TileProofs.TilesForConsistency(oldSize, newSize), newSize, cancellationToken).ConfigureAwait(false);
        return TileProofs.Consistency(oldSize, newSize, tiles);
    }

    /// <summary>Computes the root of the tree at an earlier size, from tiles.</summary>
    /// <param name="treeSize">The size; at most the integrated size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root, or <see langword="null"/> when the size lies beyond the integrated tree.</returns>
    public async Task<TreeHash?> RootAtAsync(ulong treeSize, CancellationToken cancellationToken = default)
    {
        if (!await CoversAsync(treeSize, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var tiles = await ReadTilesAsync(TileProofs.TilesForRoot(treeSize), treeSize, cancellationToken).ConfigureAwait(false);
        return TileProofs.Root(treeSize, tiles);
    }

    /// <summary>Signs and stores a checkpoint of the current tree head when the tree grew, or adds this key's signature.</summary>
    /// <param name="signer">The log's note signer; its key name is the origin.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>
    /// The checkpoint now stored for the tree head, when this call stored or re-signed it; <see langword="null"/> when the
    /// latest checkpoint already covers the tree head with this key's signature.
    /// </returns>
    /// <exception cref="AuditLogIntegrityException">The tree head is smaller than, or inconsistent with, the latest checkpoint.</exception>
    /// <exception cref="InvalidOperationException">The log's checkpoints carry another origin than the signer's name.</exception>
    /// <remarks>
    /// After a key rotation the latest checkpoint gets the new key's signature line next to the old one (a signed note may
    /// carry several), so the served checkpoint verifies with the new key at once and with the old one still.
    /// </remarks>
    public async Task<SignedCheckpoint?> CutCheckpointAsync(NoteSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);

        // The checkpoint first: the head read after it is at or past it, even while another instance signs meanwhile.
        var latest = await LatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        var state = await GetTreeStateAsync(cancellationToken).ConfigureAwait(false);
        if (latest is not null)
        {
            var previous = latest.Checkpoint;
            if (previous.Origin != signer.VerifierKey.Name)
            {
                throw new InvalidOperationException(
                    $"the log's checkpoints have origin '{previous.Origin}', not '{signer.VerifierKey.Name}'; a new origin is a new log (a new database)");
            }

            if (previous.TreeSize == state.TreeSize && previous.RootHash == state.Root)
            {
                return latest.Note.Verify([signer.VerifierKey], out _) == NoteError.None
                    ? null
                    : await AddSignatureAsync(latest, signer, cancellationToken).ConfigureAwait(false);
            }

            if (previous.TreeSize >= state.TreeSize)
            {
                throw new AuditLogIntegrityException(
                    $"the tree head (size {state.TreeSize}) does not extend the latest checkpoint (size {previous.TreeSize})");
            }

            if (previous.TreeSize > 0)
            {
                var proof = await ConsistencyProofAsync(previous.TreeSize, state.TreeSize, cancellationToken).ConfigureAwait(false);
                if (proof is null || !proof.Verify(previous.RootHash, state.Root).IsValid)
                {
                    throw new AuditLogIntegrityException(
                        $"the tree at size {state.TreeSize} is not consistent with the checkpoint at size {previous.TreeSize}; refusing to sign");
                }
            }
        }

        var checkpoint = SignedCheckpoint.Sign(new Checkpoint(signer.VerifierKey.Name, state.TreeSize, state.Root), signer);
        var inserted = await ExecuteAsync(
            "INSERT INTO checkpoints (tree_size, root, note) VALUES ($1, $2, $3) ON CONFLICT (tree_size) DO NOTHING",
            [checked((long)state.TreeSize), state.Root.ToArray(), checkpoint.ToString()], cancellationToken).ConfigureAwait(false);

        // Another instance signed this size first: what is stored is what counts.
        return inserted == 1 ? checkpoint : await CheckpointAtAsync(state.TreeSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the latest signed checkpoint.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when none was signed yet.</returns>
    public Task<SignedCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        ReadCheckpointAsync("SELECT note FROM checkpoints ORDER BY tree_size DESC LIMIT 1", null, cancellationToken);

    /// <summary>Reads the checkpoint signed at a given size.</summary>
    /// <param name="treeSize">The size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when none was signed at that size.</returns>
    public Task<SignedCheckpoint?> CheckpointAtAsync(ulong treeSize, CancellationToken cancellationToken = default) =>
        ReadCheckpointAsync("SELECT note FROM checkpoints WHERE tree_size = $1", checked((long)treeSize), cancellationToken);

    /// <summary>Lists the sizes at which checkpoints were signed, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The sizes.</returns>
    public Task<IReadOnlyList<ulong>> CheckpointSizesAsync(CancellationToken cancellationToken = default) =>
        GuardAsync<IReadOnlyList<ulong>>(async () =>
        {
            using var command = _dataSource.CreateCommand("SELECT tree_size FROM checkpoints ORDER BY tree_size");
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var sizes = new List<ulong>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sizes.Add(checked((ulong)reader.GetInt64(0)));
            }

            return sizes;
        });

    /// <summary>
    /// Builds the receipt of an event: its inclusion in the first checkpoint that covers it and, once a confirmed anchor covers
    /// that checkpoint, the consistency proof to the first such anchor and the anchor's reference (an extended receipt).
    /// </summary>
    /// <remarks>
    /// The first covering checkpoint never changes, so a receipt fetched before anchoring and one fetched after agree on
    /// everything but the anchor section: calling again later extends an old receipt.
    /// </remarks>
    /// <param name="eventId">The event's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The receipt when <see cref="ReceiptStatus.Ready"/>; otherwise why there is none.</returns>
    public async Task<(ReceiptStatus Status, AuditReceipt? Receipt)> ReceiptAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        var found = await GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand("SELECT position, entry FROM events WHERE event_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = eventId });
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), (byte[])reader[1]) : ((long, byte[])?)null;
        }).ConfigureAwait(false);
        if (found is not { } row)
        {
            return (ReceiptStatus.UnknownEvent, null);
        }

        var (position, entry) = row;
        var checkpoint = await ReadCheckpointAsync(
            "SELECT note FROM checkpoints WHERE tree_size > $1 ORDER BY tree_size LIMIT 1", position, cancellationToken).ConfigureAwait(false);
        if (checkpoint is null)
        {
            return (ReceiptStatus.NotYetCheckpointed, null);
        }

        var size = checkpoint.Checkpoint.TreeSize;
        var proof = await InclusionProofAsync((ulong)position, size, cancellationToken).ConfigureAwait(false)
            ?? throw new AuditLogIntegrityException($"the checkpoint at size {size} is beyond the tree");
        var receipt = new AuditReceipt(eventId, [.. entry], (ulong)position, proof.Path, checkpoint);
        if (await Anchors.CoveringAsync(size, cancellationToken).ConfigureAwait(false) is not { BlockNumber: { } block, BlockHash: { } blockHash, LogIndex: { } logIndex, Sequence: { } sequence } anchor)
        {
            return (ReceiptStatus.Ready, receipt);
        }

        var consistency = await ConsistencyProofAsync(size, anchor.TreeSize, cancellationToken).ConfigureAwait(false)
            ?? throw new AuditLogIntegrityException($"the anchored tree size {anchor.TreeSize} is beyond the tree");
        return (ReceiptStatus.Ready, receipt with
        {
            Anchor = new ReceiptAnchor(
                anchor.ChainId, anchor.Contract, anchor.ServiceDid, anchor.Submitter, anchor.Transaction, block, blockHash, logIndex, sequence,
                anchor.TreeSize, anchor.Root, consistency.Path),
        });
    }

    /// <summary>Closes the connections, when this log was opened by <see cref="Connect"/>.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal Task<Dictionary<TileId, Tile>> ReadTilesAsync(IReadOnlyList<TileId> ids, ulong treeSize, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var tiles = new Dictionary<TileId, Tile>(ids.Count);
            var missing = new List<TileId>(ids.Count);
            foreach (var id in ids)
            {
                if (_upperTiles.TryGetValue(id, out var cached) && cached.Width >= id.WidthAt(treeSize))
                {
                    tiles[id] = cached;
                }
                else
                {
                    missing.Add(id);
                }
            }

            if (missing.Count == 0)
            {
                return tiles;
            }

            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                foreach (var (id, tile) in await TileQueries.ReadAsync(connection, null, missing, cancellationToken).ConfigureAwait(false))
                {
                    tiles[id] = tile;
                    if (id.Level > 0)
                    {
                        if (_upperTiles.Count >= MaxCachedTiles)
                        {
                            _upperTiles.Clear();
                        }

                        _upperTiles[id] = tile;
                    }
                }

                return tiles;
            }
        });

    /// <summary>Whether the integrated tree has reached <paramref name="treeSize"/>; reads the head only when it is not known to.</summary>
    private async Task<bool> CoversAsync(ulong treeSize, CancellationToken cancellationToken) =>
        treeSize <= (ulong)Interlocked.Read(ref _knownSize) || treeSize <= (await GetTreeStateAsync(cancellationToken).ConfigureAwait(false)).TreeSize;

    private static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Runs database work, turning driver and network failures into <see cref="DatabaseUnavailableException"/>.</summary>
    internal static async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Whether an exception is the driver or the network failing (as opposed to a bug or a cancellation).</summary>
    internal static bool IsDatabaseFailure(Exception e) => e is NpgsqlException or SocketException or IOException or TimeoutException;

    /// <summary>The one exception database failures surface as: a server error is permanent, anything else may pass.</summary>
    internal static DatabaseUnavailableException Unavailable(Exception e) =>
        new($"the audit log's database failed: {(e is PostgresException p ? $"{p.SqlState} {p.MessageText}" : e.GetType().Name)}", e is not PostgresException, e);

    private async Task<SignedCheckpoint> AddSignatureAsync(SignedCheckpoint latest, NoteSigner signer, CancellationToken cancellationToken)
    {
        var resigned = latest with { Note = latest.Note.WithSignature(signer.Sign(latest.Note.Text)) };
        await ExecuteAsync("UPDATE checkpoints SET note = $2 WHERE tree_size = $1",
            [checked((long)latest.Checkpoint.TreeSize), resigned.ToString()], cancellationToken).ConfigureAwait(false);
        return resigned;
    }

    private Task<int> ExecuteAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(sql);
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    private Task<SignedCheckpoint?> ReadCheckpointAsync(string sql, long? size, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            using var command = _dataSource.CreateCommand(sql);
            if (size is { } value)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string note)
            {
                return null;
            }

            return SignedCheckpoint.TryParse(note, out var checkpoint, out var error)
                ? checkpoint
                : throw new AuditLogIntegrityException($"a stored checkpoint does not parse ({error})");
        });

    private static async Task<byte[]?> ReadBundleAsync(NpgsqlConnection connection, TileResource resource, CancellationToken cancellationToken)
    {
        var first = checked((long)(resource.Index * TileId.Width));
        using var command = new NpgsqlCommand(
            "SELECT position, entry FROM events WHERE position >= $1 AND position < $2 ORDER BY position", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = first + resource.Width });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var bundle = new MemoryStream();
        var expected = first;
        var length = new byte[2];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetInt64(0) != expected)
            {
                throw new AuditLogIntegrityException($"the event at position {expected} is missing");
            }

            var entry = (byte[])reader[1];
            BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)entry.Length));
            bundle.Write(length);
            bundle.Write(entry);
            expected++;
        }

        // Fewer rows than asked for: the tree is not that large yet.
        return expected == first + resource.Width ? bundle.ToArray() : null;
    }
}
