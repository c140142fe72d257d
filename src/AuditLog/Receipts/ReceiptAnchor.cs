using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using IdentityEhr.AuditLog.Merkle;
using IdentityEhr.Ethereum;

namespace IdentityEhr.AuditLog.Receipts;

/// <summary>
/// The anchor section of an extended receipt (KSI's "extension"): a consistency proof from the receipt's checkpoint to an anchored
/// tree head, and where on Ethereum that head was published. specs/receipt.md describes the JSON.
/// </summary>
/// <param name="ChainId">The EIP-155 chain id.</param>
/// <param name="Contract">The AuditAnchor contract that emitted the <c>Anchored</c> event.</param>
/// <param name="ServiceDid">The service's did:ethr identity the contract is bound to.</param>
/// <param name="Submitter">The account that sent the anchor transaction (the DID's owner or an <c>anchor</c> delegate).</param>
/// <param name="TransactionHash">The anchor transaction, <c>0x</c> and 64 lowercase hex digits.</param>
/// <param name="BlockNumber">The block that includes it.</param>
/// <param name="BlockHash">That block's hash, <c>0x</c> and 64 lowercase hex digits.</param>
/// <param name="LogIndex">The <c>Anchored</c> log's index in the block.</param>
/// <param name="Sequence">The contract's sequence number of this anchor.</param>
/// <param name="TreeSize">The anchored tree size.</param>
/// <param name="RootHash">The anchored root hash.</param>
/// <param name="ConsistencyProof">The RFC 9162 consistency proof from the receipt's checkpoint to <paramref name="TreeSize"/>.</param>
public sealed record ReceiptAnchor(
    ulong ChainId, Address Contract, string ServiceDid, Address Submitter, string TransactionHash, ulong BlockNumber, string BlockHash,
    ulong LogIndex, ulong Sequence, ulong TreeSize, TreeHash RootHash, ImmutableArray<TreeHash> ConsistencyProof)
{
    private static readonly string[] s_members =
    [
        "blockHash", "blockNumber", "chainId", "consistencyProof", "contract", "did", "logIndex", "rootHash", "sequence", "submitter",
        "transactionHash", "treeSize",
    ];

    /// <summary>Writes the section as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where the object's value goes.</param>
    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("chainId", ChainId);
        writer.WriteString("contract", Contract.ToString());
        writer.WriteString("did", ServiceDid);
        writer.WriteString("submitter", Submitter.ToString());
        writer.WriteString("transactionHash", TransactionHash);
        writer.WriteNumber("blockNumber", BlockNumber);
        writer.WriteString("blockHash", BlockHash);
        writer.WriteNumber("logIndex", LogIndex);
        writer.WriteNumber("sequence", Sequence);
        writer.WriteNumber("treeSize", TreeSize);
        writer.WriteString("rootHash", RootHash.ToBase64());
        writer.WriteStartArray("consistencyProof");
        foreach (var hash in ConsistencyProof)
        {
            writer.WriteStringValue(hash.ToBase64());
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads the section.</summary>
    /// <param name="element">The <c>anchor</c> member's value.</param>
    /// <param name="anchor">The section, when this returns <see langword="true"/>.</param>
    /// <param name="error">Why it does not read.</param>
    /// <returns><see langword="true"/> when the section is well formed.</returns>
    internal static bool TryRead(JsonElement element, [NotNullWhen(true)] out ReceiptAnchor? anchor, [NotNullWhen(false)] out string? error)
    {
        anchor = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "anchor is not a JSON object";
            return false;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            if (Array.BinarySearch(s_members, member.Name, StringComparer.Ordinal) < 0)
            {
                error = $"anchor has an unknown member '{(member.Name.Length > 40 ? member.Name[..40] : member.Name)}'";
                return false;
            }

            if (!names.Add(member.Name))
            {
                error = $"anchor has the member '{member.Name}' twice";
                return false;
            }
        }

        if (!Number(element, "chainId", out var chainId) || chainId == 0)
        {
            error = "anchor.chainId is not a positive integer";
            return false;
        }

        if (!Address.TryParse(Text(element, "contract"), out var contract) || !Address.TryParse(Text(element, "submitter"), out var submitter))
        {
            error = "anchor.contract or anchor.submitter is not an Ethereum address";
            return false;
        }

        var did = Text(element, "did");
        if (did is not { Length: > 0 and <= 512 } || !did.StartsWith("did:ethr:", StringComparison.Ordinal))
        {
            error = "anchor.did is not a did:ethr DID";
            return false;
        }

        var transaction = Text(element, "transactionHash");
        var blockHash = Text(element, "blockHash");
        if (!IsHash(transaction) || !IsHash(blockHash))
        {
            error = "anchor.transactionHash or anchor.blockHash is not 0x and 64 lowercase hex digits";
            return false;
        }

        if (!Number(element, "blockNumber", out var block) || !Number(element, "logIndex", out var logIndex)
            || !Number(element, "sequence", out var sequence) || !Number(element, "treeSize", out var treeSize) || treeSize == 0)
        {
            error = "anchor.blockNumber, logIndex, sequence or treeSize is not a non-negative integer (treeSize positive)";
            return false;
        }

        if (!TreeHash.TryParseBase64(Text(element, "rootHash"), out var root))
        {
            error = "anchor.rootHash is not a base64 SHA-256 hash";
            return false;
        }

        if (!element.TryGetProperty("consistencyProof", out var proof) || proof.ValueKind != JsonValueKind.Array
            || proof.GetArrayLength() > 2 * TlogProof.MaxPathLength)
        {
            error = $"anchor.consistencyProof is not an array of at most {2 * TlogProof.MaxPathLength} hashes";
            return false;
        }

        var path = ImmutableArray.CreateBuilder<TreeHash>(proof.GetArrayLength());
        foreach (var item in proof.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !TreeHash.TryParseBase64(item.GetString(), out var hash))
            {
                error = "anchor.consistencyProof holds something other than base64 SHA-256 hashes";
                return false;
            }

            path.Add(hash);
        }

        anchor = new ReceiptAnchor(chainId, contract, did, submitter, transaction!, block, blockHash!, logIndex, sequence, treeSize, root, path.MoveToImmutable());
        error = null;
        return true;
    }

    /// <summary>Whether a text is a 32-byte hash as JSON-RPC writes it: <c>0x</c> and 64 lowercase hex digits.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    internal static bool IsHash([NotNullWhen(true)] string? text) =>
        text is not null && Internal.LowerHex.IsPrefixed(text, 64);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Number(JsonElement element, string name, out ulong value)
    {
        value = 0;
        return element.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.Number && member.TryGetUInt64(out value);
    }
}
