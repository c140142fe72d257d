using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Methods.Ethr;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>
/// The auditor's check of all anchors at once (where <see cref="AnchoredReceiptVerifier"/> checks one receipt's): every
/// <c>Anchored</c> event of the pinned contract, in sequence without a gap, each sent by the service DID's owner or an
/// <c>anchor</c> delegate, and each anchored root equal to the log's root at that size. A log that showed one history to the
/// chain and another to this auditor, or withheld part of what it anchored, fails here.
/// </summary>
public sealed class AnchorMonitor : IDisposable
{
    private const int MaxFindings = 100;
    private readonly EthereumRpcClient _client;
    private readonly AnchorTrust _trust;

    /// <summary>Creates a monitor that asks the node at <paramref name="rpc"/>.</summary>
    /// <param name="rpc">A JSON-RPC URL of a node of the anchor's chain.</param>
    /// <param name="trust">The pinned DID and contract (required here: the monitor lists that contract's events).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The trust pins no contract.</exception>
    public AnchorMonitor(Uri rpc, AnchorTrust trust)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(trust);
        if (trust.Contract is null)
        {
            throw new ArgumentException("The monitor needs the anchor contract pinned.", nameof(trust));
        }

        _client = new EthereumRpcClient(rpc);
        _trust = trust;
    }

    /// <summary>Checks every anchor against the log.</summary>
    /// <param name="treeSize">The size of the tree the log serves now.</param>
    /// <param name="rootAt">The log's root at a size up to <paramref name="treeSize"/> (from its tiles), or <see langword="null"/> when it cannot say.</param>
    /// <param name="fromBlock">The first block to search for events (the contract's deployment block, or 0).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The anchors checked and every contradiction found.</returns>
    /// <exception cref="EthereumRpcException">The node could not be asked: no verdict.</exception>
    public async Task<AnchorAudit> CheckAsync(
        ulong treeSize, Func<ulong, CancellationToken, Task<TreeHash?>> rootAt, ulong fromBlock = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rootAt);
        var findings = new List<string>();
        void Find(string finding)
        {
            if (findings.Count < MaxFindings)
            {
                findings.Add(finding);
            }
        }

        var contractAddress = _trust.Contract!.Value;
        var contract = new AuditAnchorContract(_client, contractAddress);
        if (!Did.TryParse(_trust.ServiceDid, out var did, out _) || !EthrIdentifier.TryParse(did, out var identifier, out _))
        {
            return new AnchorAudit(0, 0, [$"{_trust.ServiceDid} is not a did:ethr DID"]);
        }

        if (await contract.TryReadBindingAsync(cancellationToken).ConfigureAwait(false) is not var (boundIdentity, boundRegistry))
        {
            return new AnchorAudit(0, 0, [$"{contractAddress} is not an AuditAnchor contract"]);
        }

        if (boundIdentity != identifier.Address)
        {
            return new AnchorAudit(0, 0, [$"contract {contractAddress} anchors for identity {boundIdentity}, not {identifier.Address} of {_trust.ServiceDid}"]);
        }

        if (_trust.Registry is { } pinnedRegistry && pinnedRegistry != boundRegistry)
        {
            return new AnchorAudit(0, 0, [$"contract {contractAddress} consults registry {boundRegistry}, not the pinned {pinnedRegistry}"]);
        }

        var chainId = await _client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(identifier.Network, "0x" + chainId.ToString("x", System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase))
        {
            return new AnchorAudit(0, 0, [$"{_trust.ServiceDid} is not a did:ethr of chain {chainId}, the chain of the node asked"]);
        }

        var latest = await _client.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        var count = await contract.CountAsync(BlockTag.Number(latest), cancellationToken).ConfigureAwait(false);
        var logs = await _client.GetLogsAsync(
            new LogFilter(contractAddress, [[AuditAnchorContract.AnchoredTopic.ToArray()]], Math.Min(fromBlock, latest), latest),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var anchors = new List<Anchored>();
        foreach (var log in logs)
        {
            if (contract.TryDecodeAnchored(log, out var anchored))
            {
                anchors.Add(anchored);
            }
        }

        // Every sequence number from 0 to count − 1 exactly once: a missing one was hidden from this node's view or lies
        // before fromBlock; a repeated one cannot come from the genuine contract. Reported per number, at most MaxFindings.
        anchors.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var seen = anchors.Select(a => a.Sequence).ToHashSet();
        if (count > (ulong)anchors.Count + MaxFindings)
        {
            Find($"the contract counts {count} anchors but only {anchors.Count} events were found (search from an earlier block?)");
        }
        else
        {
            for (ulong expected = 0; expected < count; expected++)
            {
                if (!seen.Contains(expected))
                {
                    Find($"anchor #{expected} of {count} is missing from the events found (search from an earlier block?)");
                }
            }
        }

        var registry = new EthereumDidRegistry(_client, boundRegistry);
        ulong previousSize = 0;
        ulong? previousSequence = null;
        var senders = new Dictionary<string, Address>(StringComparer.OrdinalIgnoreCase);
        foreach (var anchor in anchors)
        {
            var where = $"anchor #{anchor.Sequence} (block {anchor.BlockNumber}, tree size {anchor.TreeSize})";
            if (previousSequence == anchor.Sequence)
            {
                Find($"{where}: sequence number repeated");
                continue;
            }

            if (anchor.TreeSize <= previousSize)
            {
                Find($"{where}: the tree size does not grow (previous anchor: {previousSize})");
            }

            previousSequence = anchor.Sequence;
            previousSize = Math.Max(previousSize, anchor.TreeSize);

            if (!senders.TryGetValue(anchor.TransactionHash, out var sender))
            {
                var receipt = await _client.GetTransactionReceiptAsync(anchor.TransactionHash, cancellationToken).ConfigureAwait(false);
                sender = receipt?.From ?? Address.Zero;
                senders[anchor.TransactionHash] = sender;
            }

            var block = BlockTag.Number(anchor.BlockNumber);
            if (!await AuditAnchorContract.MayAnchorAsync(registry, identifier.Address, sender, block, cancellationToken).ConfigureAwait(false))
            {
                Find($"{where}: sent by {sender}, neither the owner nor an anchor delegate of {_trust.ServiceDid} at that block");
            }

            if (anchor.TreeSize > treeSize)
            {
                Find($"{where}: the log serves only {treeSize} entries; it anchored more than it shows");
                continue;
            }

            var root = await rootAt(anchor.TreeSize, cancellationToken).ConfigureAwait(false);
            if (root is not { } logRoot)
            {
                Find($"{where}: the log cannot give its root at that size");
            }
            else if (!logRoot.ToArray().AsSpan().SequenceEqual(anchor.Root))
            {
                Find($"{where}: the chain holds root {Convert.ToBase64String(anchor.Root)}, the log's root at that size is {logRoot}");
            }
        }

        return new AnchorAudit(anchors.Count, previousSize, findings);
    }

    /// <summary>Closes the node connection.</summary>
    public void Dispose() => _client.Dispose();
}
