using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Credentials.Verification;

/// <summary>The outcome of checking a credential's proof by its issuer.</summary>
/// <param name="Failure">
/// <see langword="null"/> when the issuer's key signed it; otherwise <see cref="AccessReason.DidNotResolved"/>,
/// <see cref="AccessReason.IssuerKeyNotAssertionMethod"/>, <see cref="AccessReason.CredentialSignatureInvalid"/>, or
/// <see cref="AccessReason.MalformedConsent"/> (not a credential with one usable proof).
/// </param>
/// <param name="Credential">The credential read, once the proof verified.</param>
/// <param name="Signer">The DID whose key made the proof, once known.</param>
/// <param name="SignerVersion">That DID document's version.</param>
/// <param name="Hash">
/// Hex SHA-256 of what the issuer signed: the JCS form without the proof (Data Integrity), or the JWS as received (vc+jwt).
/// </param>
/// <param name="Detail">The lower-level error's name, for messages.</param>
public sealed record IssuerProofCheck(
    AccessReason? Failure, VerifiableCredential? Credential, Did? Signer, string? SignerVersion, string? Hash, string? Detail);

/// <summary>
/// Checks that a credential was signed by a key under its issuer's <c>assertionMethod</c>, in either securing form. The one
/// place that binds proof keys to DID documents: the consent verifier and <c>ehr vc verify</c> both go through it.
/// </summary>
public static class IssuerProof
{
    /// <summary>Checks an <c>eddsa-jcs-2022</c> secured credential.</summary>
    /// <param name="credential">The credential JSON with its proof.</param>
    /// <param name="resolver">Resolves the issuer's DID.</param>
    /// <param name="cancellationToken">Cancels resolution.</param>
    /// <returns>The outcome.</returns>
    public static async ValueTask<IssuerProofCheck> VerifyAsync(JsonElement credential, DidResolver resolver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (!VerifiableCredential.TryRead(credential, out var read, out var modelError))
        {
            return new IssuerProofCheck(AccessReason.MalformedConsent, null, null, null, null, modelError.ToString());
        }

        if (!DataIntegrityProof.TryRead(credential, out var proof, out var proofError))
        {
            return new IssuerProofCheck(AccessReason.MalformedConsent, null, null, null, null, proofError.ToString());
        }

        return await VerifyAsync(read, proof, resolver, verified: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks a Data Integrity credential whose model and proof the caller has already read (the hot path reads them once);
    /// with a <paramref name="verified"/> cache, a signature that verified before under the same key is not verified again
    /// (the key, its relationship and the issuer binding still are).
    /// </summary>
    internal static async ValueTask<IssuerProofCheck> VerifyAsync(
        VerifiableCredential read, DataIntegrityProof proof, DidResolver resolver, VerifiedProofCache? verified, CancellationToken cancellationToken)
    {
        var credential = read.Json;
        var key = await ResolveKeyAsync(proof, VerificationRelationship.AssertionMethod, ProofOptions.AssertionMethod, resolver, cancellationToken).ConfigureAwait(false);
        if (key.Failure is { } failure)
        {
            return new IssuerProofCheck(failure, null, key.Did, key.Version, null, null);
        }

        if (key.Did!.ToString() != read.Issuer)
        {
            // A key of some other DID cannot be under the issuer's assertionMethod.
            return new IssuerProofCheck(AccessReason.IssuerKeyNotAssertionMethod, null, key.Did, key.Version, null, null);
        }

        var digest = verified is null ? default : VerifiedProofCache.Of(credential, key.Did!, key.Version, key.Key!);
        if (verified is not null && verified.TryGet(digest, out var remembered))
        {
            return new IssuerProofCheck(null, read, key.Did, key.Version, remembered, null);
        }

        if (!EddsaJcs2022.TryVerify(credential, key.Key!, out _, out var documentHash, out var error))
        {
            var reason = error == DataIntegrityError.SignatureInvalid ? AccessReason.CredentialSignatureInvalid : AccessReason.MalformedConsent;
            return new IssuerProofCheck(reason, null, key.Did, key.Version, null, error.ToString());
        }

        var hash = Convert.ToHexStringLower(documentHash);
        verified?.Add(digest, hash);
        return new IssuerProofCheck(null, read, key.Did, key.Version, hash, null);
    }

    /// <summary>Checks a <c>vc+jwt</c> (or VC 1.1 JWT) credential.</summary>
    /// <param name="jwt">The compact JWS.</param>
    /// <param name="resolver">Resolves the issuer's DID.</param>
    /// <param name="cancellationToken">Cancels resolution.</param>
    /// <returns>The outcome.</returns>
    public static async ValueTask<IssuerProofCheck> VerifyAsync(string jwt, DidResolver resolver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        var verification = await JoseCredentials.VerifyAsync(jwt, VerificationRelationship.AssertionMethod, resolver, cancellationToken).ConfigureAwait(false);
        var reason = verification.Error switch
        {
            JoseError.None => (AccessReason?)null,
            JoseError.DidNotResolved => AccessReason.DidNotResolved,
            JoseError.KeyNotAuthorized or JoseError.AlgorithmKeyMismatch => AccessReason.IssuerKeyNotAssertionMethod,
            JoseError.SignatureInvalid => AccessReason.CredentialSignatureInvalid,
            _ => AccessReason.MalformedConsent,
        };
        if (reason is { } failure)
        {
            return new IssuerProofCheck(failure, null, verification.Signer, verification.SignerVersion, null, verification.Error.ToString());
        }

        if (!VerifiableCredential.TryRead(verification.Document!.Value, out var credential, out var modelError))
        {
            return new IssuerProofCheck(AccessReason.MalformedConsent, null, verification.Signer, verification.SignerVersion, null, modelError.ToString());
        }

        if (credential.Issuer != verification.Signer!.ToString())
        {
            return new IssuerProofCheck(AccessReason.IssuerKeyNotAssertionMethod, null, verification.Signer, verification.SignerVersion, null, null);
        }

        return new IssuerProofCheck(
            null, credential, verification.Signer, verification.SignerVersion, Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(jwt))), null);
    }

    /// <summary>Resolves a Data Integrity proof's verification method and checks it is under the relationship its purpose names.</summary>
    internal static async ValueTask<ResolvedKey> ResolveKeyAsync(
        DataIntegrityProof proof, VerificationRelationship relationship, string purpose, DidResolver resolver, CancellationToken cancellationToken)
    {
        var wrongRelationship = relationship == VerificationRelationship.Authentication
            ? AccessReason.PresentationKeyNotAuthentication
            : AccessReason.IssuerKeyNotAssertionMethod;
        if (!DidUrl.TryParse(proof.VerificationMethod, out var methodId, out _) || methodId.Fragment is null)
        {
            return new ResolvedKey(null, null, null, wrongRelationship);
        }

        var resolution = await resolver.ResolveAsync(methodId.Did, null, cancellationToken).ConfigureAwait(false);
        if (!resolution.IsSuccess || resolution.DocumentMetadata.Deactivated == true)
        {
            return new ResolvedKey(methodId.Did, null, null, AccessReason.DidNotResolved);
        }

        var version = resolution.DocumentMetadata.VersionId;
        if (!string.Equals(proof.ProofPurpose, purpose, StringComparison.Ordinal)
            || resolution.DidDocument!.FindAuthorized(relationship, methodId) is not { } method
            || !method.TryGetPublicKey(out var key, out _))
        {
            return new ResolvedKey(methodId.Did, version, null, wrongRelationship);
        }

        return new ResolvedKey(methodId.Did, version, key, null);
    }

    internal sealed record ResolvedKey(Did? Did, string? Version, PublicKey? Key, AccessReason? Failure);
}
