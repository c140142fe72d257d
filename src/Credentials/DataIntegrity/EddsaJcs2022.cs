using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jcs;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Credentials.DataIntegrity;

/// <summary>
/// The <c>eddsa-jcs-2022</c> cryptosuite (Data Integrity EdDSA Cryptosuites 1.0 §3.3): JCS of the document and of the proof
/// configuration, SHA-256 of each, hashData = proofConfigHash ‖ documentHash, an Ed25519 signature, base58btc multibase.
/// </summary>
/// <remarks>
/// Verification answers only "did this key sign this document with this proof?". Whether the key may speak for the
/// issuer or holder (relationship, DID version), and whether challenge, domain and times are acceptable, is the caller's
/// decision, made from the returned <see cref="DataIntegrityProof"/>.
/// </remarks>
public static class EddsaJcs2022
{
    /// <summary>The cryptosuite identifier.</summary>
    public const string Name = "eddsa-jcs-2022";

    private const int SignatureLength = 64;

    /// <summary>Adds an <c>eddsa-jcs-2022</c> proof to a document.</summary>
    /// <param name="unsecuredDocument">The credential or presentation, without a proof.</param>
    /// <param name="options">What the proof states.</param>
    /// <param name="key">The Ed25519 signing key named by <see cref="ProofOptions.VerificationMethod"/>.</param>
    /// <returns>A new secured document; the input is not changed.</returns>
    /// <exception cref="ArgumentException">The document already has a proof, the key is not Ed25519, or the cryptosuite is another.</exception>
    /// <exception cref="JcsException">The document is not I-JSON.</exception>
    public static JsonObject Sign(JsonObject unsecuredDocument, ProofOptions options, PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(unsecuredDocument);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        if (unsecuredDocument.ContainsKey("proof"))
        {
            throw new ArgumentException("The document already has a proof; proof sets are not supported.", nameof(unsecuredDocument));
        }

        if (key.Type != KeyType.Ed25519)
        {
            throw new ArgumentException("eddsa-jcs-2022 signs with an Ed25519 key.", nameof(key));
        }

        if (options.Cryptosuite != Name)
        {
            throw new ArgumentException($"The options name the cryptosuite {options.Cryptosuite}, not {Name}.", nameof(options));
        }

        // §3.3.1 step 1: the proof configuration carries the document's @context.
        var configuration = DataIntegrityProof.ConfigurationFor(options, unsecuredDocument["@context"]);
        var hashData = HashData(Canonical(configuration), Canonical(unsecuredDocument));
        var secured = unsecuredDocument.DeepClone().AsObject();
        configuration["proofValue"] = Multibase.EncodeBase58Btc(key.Sign(hashData));
        secured["proof"] = configuration;
        return secured;
    }

    /// <summary>Verifies the <c>eddsa-jcs-2022</c> proof of a secured document with a known key.</summary>
    /// <param name="securedDocument">The document with its proof.</param>
    /// <param name="key">The public key the verification method resolved to.</param>
    /// <param name="proof">The proof read, when it could be read (also when the signature fails).</param>
    /// <param name="error">Why the proof is not accepted.</param>
    /// <returns>Whether the signature verifies.</returns>
    public static bool TryVerify(JsonElement securedDocument, PublicKey key, out DataIntegrityProof? proof, out DataIntegrityError error) =>
        TryVerify(securedDocument, key, out proof, out _, out error);

    /// <summary>Verifies the proof and also returns the document hash it covers.</summary>
    /// <param name="securedDocument">The document with its proof.</param>
    /// <param name="key">The public key the verification method resolved to.</param>
    /// <param name="proof">The proof read, when it could be read.</param>
    /// <param name="documentHash">
    /// SHA-256 of the JCS form of the document without its proof (as hashed for the signature), when the signature verifies:
    /// what the signer signed, independent of how the proof is written.
    /// </param>
    /// <param name="error">Why the proof is not accepted.</param>
    /// <returns>Whether the signature verifies.</returns>
    public static bool TryVerify(
        JsonElement securedDocument, PublicKey key, out DataIntegrityProof? proof, [NotNullWhen(true)] out byte[]? documentHash, out DataIntegrityError error)
    {
        ArgumentNullException.ThrowIfNull(key);
        documentHash = null;
        if (!DataIntegrityProof.TryRead(securedDocument, out proof, out error))
        {
            return false;
        }

        error = Check(securedDocument, proof, key, out var hashData);
        documentHash = error == DataIntegrityError.None ? hashData[SHA256.HashSizeInBytes..] : null;
        return error == DataIntegrityError.None;
    }

    /// <summary>Computes hashData: SHA-256 of the canonical proof configuration, then SHA-256 of the canonical document.</summary>
    /// <param name="canonicalProofConfiguration">JCS of the proof configuration.</param>
    /// <param name="canonicalDocument">JCS of the unsecured document.</param>
    /// <returns>The 64 bytes that are signed.</returns>
    public static byte[] HashData(ReadOnlySpan<byte> canonicalProofConfiguration, ReadOnlySpan<byte> canonicalDocument)
    {
        var hashData = new byte[2 * SHA256.HashSizeInBytes];
        SHA256.HashData(canonicalProofConfiguration, hashData);
        SHA256.HashData(canonicalDocument, hashData.AsSpan(SHA256.HashSizeInBytes));
        return hashData;
    }

    private static DataIntegrityError Check(JsonElement securedDocument, DataIntegrityProof proof, PublicKey key, out byte[] hashData)
    {
        hashData = [];
        if (proof.Cryptosuite != Name)
        {
            return DataIntegrityError.UnsupportedCryptosuite;
        }

        if (key.Type != KeyType.Ed25519)
        {
            return DataIntegrityError.WrongKeyType;
        }

        if (!Multibase.TryDecode(proof.ProofValue, out var signature, out _) || proof.ProofValue[0] != 'z' || signature.Length != SignatureLength)
        {
            return DataIntegrityError.InvalidProofValue;
        }

        var proofElement = securedDocument.GetProperty("proof");
        JsonElement? context = null;
        if (proofElement.TryGetProperty("@context", out var proofContext))
        {
            // §3.3.2 steps 4-5: the document's @context must start with the proof's, and the document is hashed with the
            // proof's @context in place of its own.
            if (!StartsWith(securedDocument.TryGetProperty("@context", out var documentContext) ? documentContext : default, proofContext))
            {
                return DataIntegrityError.ContextMismatch;
            }

            context = proofContext;
        }

        if (!JsonCanonicalizer.TryCanonicalizeObject(proofElement, "proofValue", null, out var canonicalConfiguration, out _)
            || !JsonCanonicalizer.TryCanonicalizeObject(securedDocument, "proof", context, out var canonicalDocument, out _))
        {
            return DataIntegrityError.MalformedDocument;
        }

        hashData = HashData(canonicalConfiguration, canonicalDocument);
        return key.Verify(hashData, signature)
            ? DataIntegrityError.None
            : DataIntegrityError.SignatureInvalid;
    }

    private static bool StartsWith(JsonElement documentContext, JsonElement proofContext)
    {
        static JsonElement[] Items(JsonElement context) => context.ValueKind switch
        {
            JsonValueKind.Array => [.. context.EnumerateArray()],
            JsonValueKind.Undefined => [],
            _ => [context],
        };

        var document = Items(documentContext);
        var proof = Items(proofContext);
        return proof.Length <= document.Length && proof.Select((item, i) => JsonElement.DeepEquals(item, document[i])).All(equal => equal);
    }

    private static byte[] Canonical(JsonNode node) =>
        JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToUtf8Bytes(node));
}
