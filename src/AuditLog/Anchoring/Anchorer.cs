using System.Numerics;
using IdentityEhr.AuditLog.Entries;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;
using IdentityEhr.Ethereum.Transactions;

namespace IdentityEhr.AuditLog.Anchoring;

/// <summary>
/// The anchoring scheduler: publishes the latest checkpoint's <c>(root, treeSize)</c> to the AuditAnchor contract from the
/// service's account, follows each submission to finality, replaces stuck ones, and re-anchors after a reorganisation. Every
/// step is an event in the log itself (<c>AnchorSubmitted</c>, <c>AnchorConfirmed</c>, <c>AnchorReorged</c>).
/// </summary>
/// <remarks>
/// <para>
/// State lives in the log, not here: each round reads the open submissions from the journal and asks the chain about them, so
/// a restart, a database outage or a node outage loses nothing. A submission is written to the log before it is sent
/// (write-ahead), so no transaction the service sent is unknown to the log. One anchor is in flight at a time; whatever the
/// volume or the length of an outage, the next anchor covers the whole tree up to the latest checkpoint, never a replay.
/// </para>
/// <para>
/// Appends never wait for any of this: the anchorer runs beside the log and only reads checkpoints.
/// </para>
/// </remarks>
public sealed class Anchorer : IDisposable
{
    private const int GasEstimatePercent = 130;

    private readonly IAnchorJournal _journal;
    private readonly EthereumRpcClient _client;
    private readonly EthereumSigningKey _key;
    private readonly AnchorerOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditAnchorContract _contract;
    private readonly SemaphoreSlim _round = new(1, 1);
    private DateTimeOffset? _lastSubmission;
    private IAnchoringLease? _lease;
    private AnchorerState _state = AnchorerState.Initial;

    /// <summary>Creates an anchorer.</summary>
    /// <param name="journal">The log it reads checkpoints from and records its events in.</param>
    /// <param name="client">The chain's JSON-RPC client (not disposed here).</param>
    /// <param name="privateKey">The sending account's secp256k1 key (copied): the DID's owner or an <c>anchor</c> delegate.</param>
    /// <param name="options">Where and how to anchor.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    public Anchorer(IAnchorJournal journal, EthereumRpcClient client, ReadOnlySpan<byte> privateKey, AnchorerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _journal = journal;
        _client = client;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _key = new EthereumSigningKey(privateKey);
        _contract = new AuditAnchorContract(client, options.Contract);
    }

    /// <summary>Gets the sending account.</summary>
    public Address Account => _key.Address;

    /// <summary>Gets what the last round saw.</summary>
    public AnchorerState State => Volatile.Read(ref _state);

    /// <summary>Runs rounds every <see cref="AnchorerOptions.PollInterval"/> until cancelled; a failed round is reported and retried.</summary>
    /// <param name="onRound">Called after each round with what it did, or with why it failed.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that completes when cancelled.</returns>
    public async Task RunAsync(Action<AnchorTick?, Exception?>? onRound, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            do
            {
                try
                {
                    var tick = await TickAsync(cancellationToken).ConfigureAwait(false);
                    onRound?.Invoke(tick, null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The node or the database is away: the round is lost, the state is not (it lives in the log).
                    onRound?.Invoke(null, e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one round: settles what the chain decided, replaces what is stuck, and anchors when due.</summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>What the round did.</returns>
    /// <exception cref="EthereumRpcException">The node failed; <see cref="State"/> records why.</exception>
    public async Task<AnchorTick> TickAsync(CancellationToken cancellationToken = default)
    {
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tick = await RoundAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _state, _state with { LastTick = _time.GetUtcNow(), LastError = null });
            return tick;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Volatile.Write(ref _state, _state with { LastTick = _time.GetUtcNow(), LastError = e.Message });
            throw;
        }
        finally
        {
            _round.Release();
        }
    }

    /// <summary>Gives up the lease and clears the private key.</summary>
    public void Dispose()
    {
        _lease?.Dispose();
        _key.Dispose();
        _round.Dispose();
    }

    private async Task<AnchorTick> RoundAsync(CancellationToken cancellationToken)
    {
        // One anchorer per log: several service instances may share the database, but only the lease holder sends anchors,
        // so no two race on nonces or anchor the same head twice.
        if (_lease is not null && !await _lease.StillHeldAsync(cancellationToken).ConfigureAwait(false))
        {
            _lease.Dispose();
            _lease = null;
            _lastSubmission = null;
        }

        _lease ??= await _journal.TryLeadAsync(cancellationToken).ConfigureAwait(false);
        if (_lease is null)
        {
            Volatile.Write(ref _state, State with { Standby = true, InFlight = null });
            return new AnchorTick([], [], []);
        }

        Volatile.Write(ref _state, State with { Standby = false });
        // The log first, so the lag is known even when the node is away.
        var checkpoint = await _journal.LatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        var treeSize = checkpoint?.Checkpoint.TreeSize ?? 0;
        var anchoredSize = (await _journal.LatestConfirmedAsync(_options.ChainId, cancellationToken).ConfigureAwait(false))?.TreeSize ?? 0;
        var grew = treeSize > anchoredSize && await _journal.GrewAsync(anchoredSize, treeSize, cancellationToken).ConfigureAwait(false);
        Observe(treeSize, anchoredSize, grew);

        var latestBlock = await _client.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        var finalized = await _options.Finality.FinalizedBlockAsync(_client, cancellationToken).ConfigureAwait(false);
        var watchFrom = latestBlock > _options.ReorgWatchBlocks ? latestBlock - _options.ReorgWatchBlocks : 0;
        var open = await _journal.OpenAnchorsAsync(_options.ChainId, watchFrom, cancellationToken).ConfigureAwait(false);
        List<string> submitted = [], confirmed = [], reorged = [];
        string? inFlight = null;

        // 1. A confirmed anchor whose block is gone (or changed) no longer counts: say so, and anchor again now. A receipt the node
        //    does not return while the block at that height is still the one recorded is a lagging node, not a reorganisation.
        foreach (var anchor in open.Where(a => a.Status == AnchorStatus.Confirmed))
        {
            var receipt = await _client.GetTransactionReceiptAsync(anchor.Transaction, cancellationToken).ConfigureAwait(false);
            if (receipt is not null && string.Equals(receipt.BlockHash, anchor.BlockHash, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var canonical = await _client.GetBlockAsync(BlockTag.Number(anchor.BlockNumber!.Value), cancellationToken).ConfigureAwait(false);
            if (canonical is not null && string.Equals(canonical.Hash, anchor.BlockHash, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            await RecordAsync(AuditEventType.AnchorReorged, Facts(anchor) with { Block = anchor.BlockNumber, BlockHash = anchor.BlockHash }, "Reorged", cancellationToken)
                .ConfigureAwait(false);
            reorged.Add(anchor.Transaction);
        }

        // 2. Submissions, by sender and nonce (a replacement shares its original's; whichever is mined wins).
        foreach (var group in open.Where(a => a.Status == AnchorStatus.Submitted).GroupBy(a => (a.Submitter, a.Nonce)).OrderBy(g => g.Key.Nonce))
        {
            var (sender, nonce) = group.Key;

            // The sender's settled nonce first, then the receipts: a transaction mined in between shows in its receipt.
            var settledNonce = await _client.GetTransactionCountAsync(sender, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
            (AnchorRecord Anchor, TransactionReceipt Receipt)? mined = null;
            foreach (var anchor in group)
            {
                if (await _client.GetTransactionReceiptAsync(anchor.Transaction, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    mined = (anchor, found);
                    break;
                }
            }

            if (mined is var (minedAnchor, minedReceipt))
            {
                Anchored? anchored = null;
                if (!minedReceipt.Succeeded || !minedReceipt.Logs.Any(l => _contract.TryDecodeAnchored(l, out anchored)))
                {
                    await RecordAsync(AuditEventType.AnchorReorged, Facts(minedAnchor) with { Block = minedReceipt.BlockNumber, BlockHash = minedReceipt.BlockHash },
                        "Reverted", cancellationToken).ConfigureAwait(false);
                    reorged.Add(minedAnchor.Transaction);
                }
                else if (finalized is { } final && minedReceipt.BlockNumber <= final)
                {
                    await RecordAsync(AuditEventType.AnchorConfirmed, Facts(minedAnchor) with
                    {
                        Block = minedReceipt.BlockNumber, BlockHash = minedReceipt.BlockHash, LogIndex = anchored!.LogIndex, Sequence = anchored.Sequence,
                        GasUsed = minedReceipt.GasUsed,
                    }, null, cancellationToken).ConfigureAwait(false);
                    confirmed.Add(minedAnchor.Transaction);
                }
                else
                {
                    inFlight = minedAnchor.Transaction;
                }

                continue;
            }

            // Nothing of this nonce is mined. If the sender has moved past it, none of them ever will be.
            if (settledNonce > nonce)
            {
                await SettleAllAsync(group, "Dropped", reorged, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var newest = group.MaxBy(a => a.SubmittedAt)!;
            var waitedSince = _lastSubmission is { } sent && sent > newest.SubmittedAt ? sent : newest.SubmittedAt;
            var stuck = _time.GetUtcNow() - waitedSince >= _options.StuckAfter;
            if (sender != Account)
            {
                // Sent with a key this service no longer holds (rotated): it cannot be replaced. Once stuck, stop waiting for it
                // and anchor with the current key; if it is mined after all, it is one more anchor on the chain, no harm.
                if (stuck)
                {
                    await SettleAllAsync(group, "Abandoned", reorged, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    inFlight = newest.Transaction;
                }

                continue;
            }

            inFlight = newest.Transaction;
            if (stuck)
            {
                // Stuck (underpriced, or lost by the node): the same nonce again, with higher fees and the newest tree head.
                if (await SubmitAsync(nonce, newest, cancellationToken).ConfigureAwait(false) is { } replacement)
                {
                    submitted.Add(replacement);
                    inFlight = replacement;
                }
            }
        }

        // 3. A new anchor when none is in flight, the tree grew past the last confirmed anchor, and the period is over (or the
        //    last anchor was lost). The latest checkpoint covers everything before it, however much that is.
        var latestConfirmed = await _journal.LatestConfirmedAsync(_options.ChainId, cancellationToken).ConfigureAwait(false);
        if ((latestConfirmed?.TreeSize ?? 0) != anchoredSize)
        {
            // This round confirmed or lost an anchor.
            anchoredSize = latestConfirmed?.TreeSize ?? 0;
            grew = treeSize > anchoredSize && await _journal.GrewAsync(anchoredSize, treeSize, cancellationToken).ConfigureAwait(false);
        }

        _lastSubmission ??= open.Select(a => (DateTimeOffset?)a.SubmittedAt).Append(latestConfirmed?.SubmittedAt).Max();
        var now = _time.GetUtcNow();
        if (inFlight is null && grew && checkpoint is { } head
            && (reorged.Count > 0 || _lastSubmission is not { } last || now - last >= _options.Period))
        {
            var onChain = await _contract.TreeSizeAsync(BlockTag.Latest, cancellationToken).ConfigureAwait(false);
            if (head.Checkpoint.TreeSize > onChain && await SubmitAsync(null, null, cancellationToken).ConfigureAwait(false) is { } transaction)
            {
                submitted.Add(transaction);
                inFlight = transaction;
            }
        }

        Observe(treeSize, anchoredSize, grew);
        Volatile.Write(ref _state, State with { InFlight = inFlight });
        return new AnchorTick(submitted, confirmed, reorged);
    }

    /// <summary>Notes the tree and anchored sizes; the lag runs from when activity first waited for an anchor.</summary>
    private void Observe(ulong treeSize, ulong anchoredSize, bool waiting)
    {
        var previous = State;
        Volatile.Write(ref _state, previous with
        {
            TreeSize = treeSize,
            AnchoredTreeSize = anchoredSize,
            UnanchoredSince = waiting ? previous.UnanchoredSince ?? _time.GetUtcNow() : null,
        });
    }

    /// <summary>Signs an anchor of the latest checkpoint, records it, then sends it.</summary>
    /// <returns>The transaction hash, or <see langword="null"/> when there is no checkpoint.</returns>
    private async Task<string?> SubmitAsync(ulong? nonce, AnchorRecord? replacing, CancellationToken cancellationToken)
    {
        // Read now, not at the start of the round: a round that waited on a slow node would otherwise anchor a stale head.
        if (await _journal.LatestCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { Checkpoint: var tree })
        {
            return null;
        }

        var data = AuditAnchorContract.AnchorCall(tree.RootHash.ToArray(), tree.TreeSize);

        // Estimation fails fast on a revert (not authorised, tree not grown) before a nonce is spent.
        var estimate = await _client.EstimateGasAsync(new CallRequest(Account, _options.Contract, data), cancellationToken).ConfigureAwait(false);
        var fees = await _client.EstimateFeesAsync(_options.MinimumPriorityFeePerGas, cancellationToken).ConfigureAwait(false);
        var tip = fees.MaxPriorityFeePerGas;
        var maxFee = fees.MaxFeePerGas;
        if (replacing is not null)
        {
            // Nodes accept a replacement only when both fees rise by at least 10 %.
            tip = BigInteger.Max(tip, Bump(replacing.MaxPriorityFeePerGas));
            maxFee = BigInteger.Max(maxFee, Bump(replacing.MaxFeePerGas));
        }

        maxFee = BigInteger.Max(maxFee, tip);
        if (maxFee > _options.MaximumFeePerGas)
        {
            // At the cap while that is still a valid replacement (both fees at least 10 % up); beyond it, wait and say so.
            var capped = _options.MaximumFeePerGas;
            if (replacing is null ? capped < fees.NextBaseFeePerGas + tip : capped * 10 < replacing.MaxFeePerGas * 11 || BigInteger.Min(tip, capped) * 10 < replacing.MaxPriorityFeePerGas * 11)
            {
                throw new InvalidOperationException(
                    $"anchoring would need a fee cap of {maxFee} wei per gas, above the configured maximum of {_options.MaximumFeePerGas}; waiting");
            }

            maxFee = capped;
            tip = BigInteger.Min(tip, capped);
        }

        var transactionNonce = nonce ?? await _client.GetTransactionCountAsync(Account, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
        var gasLimit = checked(estimate * GasEstimatePercent / 100);

        // An account that cannot pay would only fill the log with refused submissions, one pair per period: say so instead.
        var balance = await _client.GetBalanceAsync(Account, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
        if (balance < maxFee * gasLimit)
        {
            throw new InvalidOperationException(
                $"the anchor account {Account} holds {balance} wei but an anchor may cost up to {maxFee * gasLimit} wei; fund it");
        }

        var signed = new Eip1559Transaction(_options.ChainId, transactionNonce, tip, maxFee, gasLimit, _options.Contract, BigInteger.Zero, data).Sign(_key);
        var hash = "0x" + Convert.ToHexStringLower(signed.GetHash());
        var facts = new AnchorFacts(_options.ChainId, _options.Contract.ToString(), tree.TreeSize, tree.RootHash, hash,
            Nonce: transactionNonce, MaxFeePerGas: maxFee, MaxPriorityFeePerGas: tip, Submitter: Account.ToString());

        // Write-ahead: the log knows the transaction before the chain does.
        await RecordAsync(AuditEventType.AnchorSubmitted, facts, replacing is null ? null : "FeeBump", cancellationToken).ConfigureAwait(false);
        _lastSubmission = _time.GetUtcNow();
        try
        {
            await _client.SendRawTransactionAsync(signed.ToBytes(), cancellationToken).ConfigureAwait(false);
        }
        catch (EthereumRpcException e) when (e.Kind is RpcErrorKind.AlreadyKnown)
        {
        }
        catch (EthereumRpcException e) when (!e.IsTransient)
        {
            // Refused for good (for example no funds after all): it will never be mined. Nonce races and an underpriced
            // replacement count as transient below: the next rounds settle them by nonce.
            await RecordAsync(AuditEventType.AnchorReorged, facts, "Refused", cancellationToken).ConfigureAwait(false);
            throw;
        }

        // A transient failure leaves the submission open: the stuck rule sends it again later.
        return hash;
    }

    private async Task SettleAllAsync(IEnumerable<AnchorRecord> group, string reason, List<string> reorged, CancellationToken cancellationToken)
    {
        foreach (var anchor in group)
        {
            await RecordAsync(AuditEventType.AnchorReorged, Facts(anchor), reason, cancellationToken).ConfigureAwait(false);
            reorged.Add(anchor.Transaction);
        }
    }

    private BigInteger Bump(BigInteger fee) => ((fee * _options.FeeBumpPercent) + 99) / 100 + 1;

    private static AnchorFacts Facts(AnchorRecord anchor) =>
        new(anchor.ChainId, anchor.Contract.ToString(), anchor.TreeSize, anchor.Root, anchor.Transaction);

    private Task RecordAsync(AuditEventType type, AnchorFacts facts, string? reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _journal.RecordAsync(
            new AuditEntry { Type = type, Id = Guid.CreateVersion7(now), Time = AuditEntry.EntryTime(now), Actor = _options.ServiceDid, Reason = reason, Anchor = facts },
            cancellationToken);
    }
}
