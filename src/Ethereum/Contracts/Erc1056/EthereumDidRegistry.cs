using System.Numerics;
using System.Text;
using IdentityEhr.Ethereum.Abi;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Ethereum.Rpc;

namespace IdentityEhr.Ethereum.Contracts.Erc1056;

/// <summary>Typed access to an ERC-1056 EthereumDIDRegistry: reads, call data for changes, meta-transaction hashes, and the history walk.</summary>
/// <remarks>
/// ERC-1056 and the ethr-did-registry 1.3.0 contract (contracts/artifacts/EthereumDIDRegistry.json). Meta-transactions: the owner signs
/// <c>keccak256(0x19 ‖ 0x00 ‖ registry ‖ nonce[owner] ‖ identity ‖ "functionName" ‖ arguments…)</c> (packed) and anyone relays it.
/// </remarks>
public sealed class EthereumDidRegistry
{
    /// <summary>The most events one identity's history may have before resolution refuses it (the walk costs one request per block).</summary>
    public const int MaxHistoryEvents = 10_000;

    private static readonly ContractAbi s_abi = ContractAbi.Parse(ContractArtifact.EthereumDidRegistry.AbiJson);
    private static readonly EventSignature s_ownerChanged = s_abi.GetEvent("DIDOwnerChanged");
    private static readonly EventSignature s_delegateChanged = s_abi.GetEvent("DIDDelegateChanged");
    private static readonly EventSignature s_attributeChanged = s_abi.GetEvent("DIDAttributeChanged");
    private readonly EthereumRpcClient _client;

    /// <summary>Creates a binding to the registry at <paramref name="address"/>.</summary>
    /// <param name="client">The JSON-RPC client of the registry's chain.</param>
    /// <param name="address">The registry's address.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public EthereumDidRegistry(EthereumRpcClient client, Address address)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        Address = address;
    }

    /// <summary>Gets the registry's address.</summary>
    public Address Address { get; }

    /// <summary>Returns the identity's owner (<c>identityOwner</c>): the identity itself until it is changed.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The owner.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<Address> IdentityOwnerAsync(Address identity, BlockTag block, CancellationToken cancellationToken = default) =>
        ((AbiAddress)(await CallAsync("identityOwner", [new AbiAddress(identity)], block, cancellationToken).ConfigureAwait(false))[0]).Value;

    /// <summary>Returns the block of the identity's last change (<c>changed</c>), 0 when it never changed.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block number.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<BigInteger> ChangedAsync(Address identity, BlockTag block, CancellationToken cancellationToken = default) =>
        ((AbiInteger)(await CallAsync("changed", [new AbiAddress(identity)], block, cancellationToken).ConfigureAwait(false))[0]).Value;

    /// <summary>Returns the meta-transaction nonce of a signer (<c>nonce</c>).</summary>
    /// <param name="signer">The signer (the identity's owner).</param>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The nonce.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<BigInteger> NonceAsync(Address signer, BlockTag block, CancellationToken cancellationToken = default) =>
        ((AbiInteger)(await CallAsync("nonce", [new AbiAddress(signer)], block, cancellationToken).ConfigureAwait(false))[0]).Value;

    /// <summary>Returns whether a delegate is valid now (<c>validDelegate</c>: <c>validTo &gt; block.timestamp</c>).</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="delegateType">The delegate type, for example <c>anchor</c>.</param>
    /// <param name="delegate">The delegate.</param>
    /// <param name="block">The state to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the delegate is valid.</returns>
    /// <exception cref="EthereumRpcException">The call failed.</exception>
    public async Task<bool> ValidDelegateAsync(Address identity, string delegateType, Address @delegate, BlockTag block, CancellationToken cancellationToken = default) =>
        ((AbiBool)(await CallAsync("validDelegate", [new AbiAddress(identity), new AbiBytes(Bytes32Text.Encode(delegateType)), new AbiAddress(@delegate)], block, cancellationToken).ConfigureAwait(false))[0]).Value;

    /// <summary>Call data of <c>changeOwner(identity, newOwner)</c>, sent by the current owner.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="newOwner">The new owner; the zero address deactivates the DID.</param>
    /// <returns>The call data.</returns>
    public static byte[] ChangeOwnerCall(Address identity, Address newOwner) =>
        s_abi.GetFunction("changeOwner").EncodeCall(new AbiAddress(identity), new AbiAddress(newOwner));

    /// <summary>Call data of <c>addDelegate(identity, delegateType, delegate, validity)</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="delegateType">The delegate type (at most 32 bytes of UTF-8).</param>
    /// <param name="delegate">The delegate.</param>
    /// <param name="validitySeconds">How long the delegate is valid, in seconds from the block.</param>
    /// <returns>The call data.</returns>
    public static byte[] AddDelegateCall(Address identity, string delegateType, Address @delegate, BigInteger validitySeconds) =>
        s_abi.GetFunction("addDelegate").EncodeCall(new AbiAddress(identity), new AbiBytes(Bytes32Text.Encode(delegateType)), new AbiAddress(@delegate), new AbiInteger(validitySeconds));

    /// <summary>Call data of <c>revokeDelegate(identity, delegateType, delegate)</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="delegateType">The delegate type.</param>
    /// <param name="delegate">The delegate.</param>
    /// <returns>The call data.</returns>
    public static byte[] RevokeDelegateCall(Address identity, string delegateType, Address @delegate) =>
        s_abi.GetFunction("revokeDelegate").EncodeCall(new AbiAddress(identity), new AbiBytes(Bytes32Text.Encode(delegateType)), new AbiAddress(@delegate));

    /// <summary>Call data of <c>setAttribute(identity, name, value, validity)</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="name">The attribute name, for example <c>did/pub/Ed25519/veriKey/base64</c>.</param>
    /// <param name="value">The value bytes.</param>
    /// <param name="validitySeconds">How long the attribute is valid, in seconds from the block.</param>
    /// <returns>The call data.</returns>
    public static byte[] SetAttributeCall(Address identity, string name, ReadOnlySpan<byte> value, BigInteger validitySeconds) =>
        s_abi.GetFunction("setAttribute").EncodeCall(new AbiAddress(identity), new AbiBytes(Bytes32Text.Encode(name)), new AbiBytes(value), new AbiInteger(validitySeconds));

    /// <summary>Call data of <c>revokeAttribute(identity, name, value)</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value bytes that were set.</param>
    /// <returns>The call data.</returns>
    public static byte[] RevokeAttributeCall(Address identity, string name, ReadOnlySpan<byte> value) =>
        s_abi.GetFunction("revokeAttribute").EncodeCall(new AbiAddress(identity), new AbiBytes(Bytes32Text.Encode(name)), new AbiBytes(value));

    /// <summary>Returns the hash the owner signs to change the owner by meta-transaction.</summary>
    /// <param name="ownerNonce">The owner's current <c>nonce</c>.</param>
    /// <param name="identity">The identity.</param>
    /// <param name="newOwner">The new owner.</param>
    /// <returns>The 32-byte hash.</returns>
    public byte[] ChangeOwnerHash(BigInteger ownerNonce, Address identity, Address newOwner) =>
        MetaHash(ownerNonce, identity, "changeOwner", newOwner.ToBytes());

    /// <summary>Returns the hash the owner signs to add a delegate by meta-transaction.</summary>
    /// <param name="ownerNonce">The owner's current <c>nonce</c>.</param>
    /// <param name="identity">The identity.</param>
    /// <param name="delegateType">The delegate type.</param>
    /// <param name="delegate">The delegate.</param>
    /// <param name="validitySeconds">The validity in seconds.</param>
    /// <returns>The 32-byte hash.</returns>
    public byte[] AddDelegateHash(BigInteger ownerNonce, Address identity, string delegateType, Address @delegate, BigInteger validitySeconds) =>
        MetaHash(ownerNonce, identity, "addDelegate", [.. Bytes32Text.Encode(delegateType), .. @delegate.ToBytes(), .. Word(validitySeconds)]);

    /// <summary>Returns the hash the owner signs to revoke a delegate by meta-transaction.</summary>
    /// <param name="ownerNonce">The owner's current <c>nonce</c>.</param>
    /// <param name="identity">The identity.</param>
    /// <param name="delegateType">The delegate type.</param>
    /// <param name="delegate">The delegate.</param>
    /// <returns>The 32-byte hash.</returns>
    public byte[] RevokeDelegateHash(BigInteger ownerNonce, Address identity, string delegateType, Address @delegate) =>
        MetaHash(ownerNonce, identity, "revokeDelegate", [.. Bytes32Text.Encode(delegateType), .. @delegate.ToBytes()]);

    /// <summary>Returns the hash the owner signs to set an attribute by meta-transaction.</summary>
    /// <param name="ownerNonce">The owner's current <c>nonce</c>.</param>
    /// <param name="identity">The identity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value bytes.</param>
    /// <param name="validitySeconds">The validity in seconds.</param>
    /// <returns>The 32-byte hash.</returns>
    public byte[] SetAttributeHash(BigInteger ownerNonce, Address identity, string name, ReadOnlySpan<byte> value, BigInteger validitySeconds) =>
        MetaHash(ownerNonce, identity, "setAttribute", [.. Bytes32Text.Encode(name), .. value, .. Word(validitySeconds)]);

    /// <summary>Returns the hash the owner signs to revoke an attribute by meta-transaction.</summary>
    /// <param name="ownerNonce">The owner's current <c>nonce</c>.</param>
    /// <param name="identity">The identity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value bytes.</param>
    /// <returns>The 32-byte hash.</returns>
    public byte[] RevokeAttributeHash(BigInteger ownerNonce, Address identity, string name, ReadOnlySpan<byte> value) =>
        MetaHash(ownerNonce, identity, "revokeAttribute", [.. Bytes32Text.Encode(name), .. value]);

    /// <summary>Call data of <c>changeOwnerSigned</c>: the owner's signature relayed by anyone.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="signature">65 bytes <c>r ‖ s ‖ yParity</c> over <see cref="ChangeOwnerHash"/>.</param>
    /// <param name="newOwner">The new owner.</param>
    /// <returns>The call data.</returns>
    public static byte[] ChangeOwnerSignedCall(Address identity, ReadOnlySpan<byte> signature, Address newOwner) =>
        s_abi.GetFunction("changeOwnerSigned").EncodeCall([new AbiAddress(identity), .. SignatureArguments(signature), new AbiAddress(newOwner)]);

    /// <summary>Call data of <c>addDelegateSigned</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="signature">65 bytes <c>r ‖ s ‖ yParity</c> over <see cref="AddDelegateHash"/>.</param>
    /// <param name="delegateType">The delegate type.</param>
    /// <param name="delegate">The delegate.</param>
    /// <param name="validitySeconds">The validity in seconds.</param>
    /// <returns>The call data.</returns>
    public static byte[] AddDelegateSignedCall(Address identity, ReadOnlySpan<byte> signature, string delegateType, Address @delegate, BigInteger validitySeconds) =>
        s_abi.GetFunction("addDelegateSigned").EncodeCall([new AbiAddress(identity), .. SignatureArguments(signature), new AbiBytes(Bytes32Text.Encode(delegateType)), new AbiAddress(@delegate), new AbiInteger(validitySeconds)]);

    /// <summary>Call data of <c>revokeDelegateSigned</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="signature">65 bytes <c>r ‖ s ‖ yParity</c> over <see cref="RevokeDelegateHash"/>.</param>
    /// <param name="delegateType">The delegate type.</param>
    /// <param name="delegate">The delegate.</param>
    /// <returns>The call data.</returns>
    public static byte[] RevokeDelegateSignedCall(Address identity, ReadOnlySpan<byte> signature, string delegateType, Address @delegate) =>
        s_abi.GetFunction("revokeDelegateSigned").EncodeCall([new AbiAddress(identity), .. SignatureArguments(signature), new AbiBytes(Bytes32Text.Encode(delegateType)), new AbiAddress(@delegate)]);

    /// <summary>Call data of <c>setAttributeSigned</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="signature">65 bytes <c>r ‖ s ‖ yParity</c> over <see cref="SetAttributeHash"/>.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value bytes.</param>
    /// <param name="validitySeconds">The validity in seconds.</param>
    /// <returns>The call data.</returns>
    public static byte[] SetAttributeSignedCall(Address identity, ReadOnlySpan<byte> signature, string name, ReadOnlySpan<byte> value, BigInteger validitySeconds) =>
        s_abi.GetFunction("setAttributeSigned").EncodeCall([new AbiAddress(identity), .. SignatureArguments(signature), new AbiBytes(Bytes32Text.Encode(name)), new AbiBytes(value), new AbiInteger(validitySeconds)]);

    /// <summary>Call data of <c>revokeAttributeSigned</c>.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="signature">65 bytes <c>r ‖ s ‖ yParity</c> over <see cref="RevokeAttributeHash"/>.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value bytes.</param>
    /// <returns>The call data.</returns>
    public static byte[] RevokeAttributeSignedCall(Address identity, ReadOnlySpan<byte> signature, string name, ReadOnlySpan<byte> value) =>
        s_abi.GetFunction("revokeAttributeSigned").EncodeCall([new AbiAddress(identity), .. SignatureArguments(signature), new AbiBytes(Bytes32Text.Encode(name)), new AbiBytes(value)]);

    /// <summary>Reads an identity's history: follows <c>changed()</c> and each event's <c>previousChange</c> back to the first change.</summary>
    /// <remarks>
    /// One <c>eth_getLogs</c> and one block header per block that changed the identity. <c>changed()</c> is read at
    /// <paramref name="block"/>; callers that resolve a past version filter the (chronological) result by block number.
    /// Events whose bytes32 field is not UTF-8 are followed but left out.
    /// </remarks>
    /// <param name="identity">The identity.</param>
    /// <param name="block">The state to start from (use a finalized block before acting on key changes).</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>The events in chronological order.</returns>
    /// <exception cref="EthereumRpcException">A call failed, the node lacks the historical logs (<see cref="RpcErrorKind.InvalidResponse"/>), or the history exceeds <see cref="MaxHistoryEvents"/>.</exception>
    public async Task<IReadOnlyList<Erc1056Event>> GetHistoryAsync(Address identity, BlockTag block, CancellationToken cancellationToken = default)
    {
        var blocks = new List<(ulong Number, IReadOnlyList<LogEntry> Logs)>();
        var previous = await ChangedAsync(identity, block, cancellationToken).ConfigureAwait(false);
        byte[] identityTopic = [.. new byte[12], .. identity.ToBytes()];
        var eventCount = 0;
        while (previous > 0)
        {
            if (previous > ulong.MaxValue || eventCount > MaxHistoryEvents)
            {
                throw new EthereumRpcException($"the history of {identity} is longer than {MaxHistoryEvents} events or points beyond the chain", RpcErrorKind.InvalidResponse);
            }

            var number = (ulong)previous;
            var logs = await _client.GetLogsAsync(new LogFilter(Address, [null, [identityTopic]], number, number), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (logs.Count == 0)
            {
                throw new EthereumRpcException(
                    $"block {number} should hold a change of {identity} but the node returned no logs (an archive node is needed for old history)", RpcErrorKind.InvalidResponse);
            }

            // Several changes in one block all point back past the block; the smallest earlier block is the next to read.
            var next = BigInteger.Zero;
            foreach (var log in logs)
            {
                if (Decode(log, DateTimeOffset.UnixEpoch) is { } change && change.PreviousChange > 0 && change.PreviousChange < number
                    && (next == 0 || change.PreviousChange < next))
                {
                    next = change.PreviousChange;
                }
            }

            blocks.Add((number, logs));
            eventCount += logs.Count;
            previous = next;
        }

        // The walk is sequential by nature; the block times are not, so they are fetched together.
        var headers = await Task.WhenAll(blocks.Select(b => _client.GetBlockAsync(BlockTag.Number(b.Number), cancellationToken))).ConfigureAwait(false);
        var history = new List<Erc1056Event>(eventCount);
        for (var i = blocks.Count - 1; i >= 0; i--)
        {
            var header = headers[i] ?? throw new EthereumRpcException($"block {blocks[i].Number} is missing", RpcErrorKind.InvalidResponse);
            foreach (var log in blocks[i].Logs)
            {
                if (Decode(log, header.Timestamp) is { } change and not UnreadableChange)
                {
                    history.Add(change);
                }
            }
        }

        return history;
    }

    private static Erc1056Event? Decode(LogEntry log, DateTimeOffset blockTime)
    {
        if (s_ownerChanged.TryDecodeLog(log.Topics, log.Data, out var o, out _))
        {
            return new OwnerChanged(log.BlockNumber, blockTime, Integer(o["previousChange"]), ((AbiAddress)o["owner"]).Value);
        }

        if (s_delegateChanged.TryDecodeLog(log.Topics, log.Data, out var d, out _))
        {
            var previous = Integer(d["previousChange"]);
            return Bytes32Text.Decode(((AbiBytes)d["delegateType"]).Value) is { } type
                ? new DelegateChanged(log.BlockNumber, blockTime, previous, type, ((AbiAddress)d["delegate"]).Value, Integer(d["validTo"]))
                : new UnreadableChange(log.BlockNumber, blockTime, previous);
        }

        if (s_attributeChanged.TryDecodeLog(log.Topics, log.Data, out var a, out _))
        {
            var previous = Integer(a["previousChange"]);
            return Bytes32Text.Decode(((AbiBytes)a["name"]).Value) is { } name
                ? new AttributeChanged(log.BlockNumber, blockTime, previous, name, ((AbiBytes)a["value"]).Value, Integer(a["validTo"]))
                : new UnreadableChange(log.BlockNumber, blockTime, previous);
        }

        return null;
    }

    private static BigInteger Integer(AbiValue value) => ((AbiInteger)value).Value;

    private static byte[] Word(BigInteger value)
    {
        var word = new byte[32];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    private static AbiValue[] SignatureArguments(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Secp256k1.RecoverableSignatureSizeInBytes || signature[64] > 1)
        {
            throw new ArgumentException("A meta-transaction signature is 65 bytes r ‖ s ‖ yParity (0 or 1).", nameof(signature));
        }

        return [new AbiInteger(27 + signature[64]), new AbiBytes(signature[..32]), new AbiBytes(signature[32..64])];
    }

    private byte[] MetaHash(BigInteger ownerNonce, Address identity, string function, ReadOnlySpan<byte> arguments)
    {
        byte[] preimage = [0x19, 0x00, .. Address.ToBytes(), .. Word(ownerNonce), .. identity.ToBytes(), .. Encoding.ASCII.GetBytes(function), .. arguments];
        return Keccak256.HashData(preimage);
    }

    private async Task<IReadOnlyList<AbiValue>> CallAsync(string function, AbiValue[] arguments, BlockTag block, CancellationToken cancellationToken)
    {
        var signature = s_abi.GetFunction(function);
        var result = await _client.CallAsync(new CallRequest(null, Address, signature.EncodeCall(arguments)), block, cancellationToken).ConfigureAwait(false);
        return signature.TryDecodeResult(result, out var values, out var error)
            ? values
            : throw new EthereumRpcException($"{function} at {Address} returned data that does not decode ({error}): is it an ERC-1056 registry?", RpcErrorKind.InvalidResponse);
    }

    /// <summary>An event whose bytes32 field is not UTF-8: followed for the walk, never applied.</summary>
    private sealed record UnreadableChange : Erc1056Event
    {
        public UnreadableChange(ulong blockNumber, DateTimeOffset blockTime, BigInteger previousChange)
            : base(blockNumber, blockTime, previousChange)
        {
        }
    }
}
