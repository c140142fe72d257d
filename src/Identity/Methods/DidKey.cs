using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Identity.Methods;

/// <summary>The did:key method: a DID that is its own public key, resolved by pure computation.</summary>
/// <remarks>
/// The did:key Method v0.7 (W3C CCG): <c>did:key:</c> + Multikey public key (base58btc of multicodec header ‖ key; EC keys
/// compressed). The document lists the key under <c>authentication</c>, <c>assertionMethod</c>, <c>capabilityInvocation</c> and
/// <c>capabilityDelegation</c>; an X25519 key only under <c>keyAgreement</c>; an elliptic-curve key also under <c>keyAgreement</c>
/// (ECDH on the same curve, as the spec's test vectors show); an Ed25519 key instead yields, unless disabled, its X25519 form
/// under <c>keyAgreement</c> (<c>enableEncryptionKeyDerivation</c>). The verification method id is the DID plus
/// <c>#</c> and the key's own Multikey text.
/// </remarks>
public sealed class DidKey : IDidMethod
{
    /// <summary>The method name.</summary>
    public const string MethodName = "key";

    private static readonly string[] s_multikeyContext = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"];
    private static readonly string[] s_jwkContext = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"];
    private static readonly string[] s_ed25519Context =
        ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1", "https://w3id.org/security/suites/x25519-2020/v1"];

    /// <inheritdoc/>
    public string Name => MethodName;

    /// <summary>Returns the did:key of a public key.</summary>
    /// <param name="key">The public key.</param>
    /// <returns>The DID.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public static Did Create(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Did.Create(MethodName, key.ExportMultikey());
    }

    /// <summary>Decodes the public key of a did:key, with the did:key error type when it is not one.</summary>
    /// <param name="did">The DID.</param>
    /// <param name="key">The key when the DID is a valid did:key.</param>
    /// <param name="problem">Why it is not, otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the DID is a valid did:key; otherwise <see langword="false"/>.</returns>
    public static bool TryGetPublicKey(Did did, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PublicKey? key, out DidResolutionProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(did);
        key = null;
        problem = null;
        var id = did.MethodSpecificId;
        if (did.Method != MethodName)
        {
            problem = new(DidResolutionError.InvalidDid, "the DID is not a did:key");
            return false;
        }

        if (id.Contains(':', StringComparison.Ordinal))
        {
            problem = new(DidResolutionError.InvalidDid, "did:key versions other than the implicit version 1 are not supported");
            return false;
        }

        if (id[0] != 'z')
        {
            problem = new(DidResolutionError.InvalidDid, "a did:key identifier is base58btc multibase and starts with 'z'");
            return false;
        }

        if (PublicKey.TryImportMultikey(id, out key, out var error))
        {
            return true;
        }

        problem = ProblemOf(error);
        return false;
    }

    private static DidResolutionProblem ProblemOf(KeyError error)
    {
        DidResolutionProblem problem;
        problem = error switch
        {
            KeyError.WrongKeyLength => new(DidResolutionError.InvalidPublicKeyLength, "the public key's length does not match its multicodec type"),
            KeyError.InvalidPoint => new(DidResolutionError.InvalidPublicKey, "the public key is not a valid point of its curve"),
            KeyError.UnsupportedKeyType => new(DidResolutionError.UnsupportedPublicKeyType, "the multicodec names a key type this resolver does not support"),
            KeyError.WrongKeyKind => new(DidResolutionError.UnsupportedPublicKeyType, "the multicodec names a private key, not a public key"),
            KeyError.MalformedMulticodec => new(DidResolutionError.InvalidDid, "the multicodec header is not a minimal unsigned varint"),
            _ => new(DidResolutionError.InvalidDid, "the identifier is not valid base58btc"),
        };
        return problem;
    }

    /// <summary>Builds the DID document of a public key.</summary>
    /// <param name="key">The public key.</param>
    /// <param name="format">How verification methods write their keys.</param>
    /// <param name="enableEncryptionKeyDerivation">Whether an Ed25519 key also lists its X25519 form under <c>keyAgreement</c>.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The format cannot express the key type.</exception>
    public static DidDocument CreateDocument(PublicKey key, PublicKeyFormat format = PublicKeyFormat.Multikey, bool enableEncryptionKeyDerivation = true)
    {
        ArgumentNullException.ThrowIfNull(key);
        var derived = key.Type == KeyType.Ed25519 && enableEncryptionKeyDerivation ? key.ToX25519() : null;
        return CreateDocument(Create(key), key, derived, format);
    }

    private static DidDocument CreateDocument(Did did, PublicKey key, PublicKey? derivedX25519, PublicKeyFormat format)
    {
        var multikey = did.MethodSpecificId;
        var primary = VerificationMethod.Create(DidUrl.Parse($"{did}#{multikey}"), did, key, format);
        var methods = new List<VerificationMethod> { primary };
        var relationships = new Dictionary<VerificationRelationship, IReadOnlyList<VerificationMethodReference>>();
        var primaryReference = new[] { VerificationMethodReference.To(primary.Id) };
        if (key.Type == KeyType.X25519)
        {
            relationships[VerificationRelationship.KeyAgreement] = primaryReference;
        }
        else
        {
            relationships[VerificationRelationship.Authentication] = primaryReference;
            relationships[VerificationRelationship.AssertionMethod] = primaryReference;
            relationships[VerificationRelationship.CapabilityInvocation] = primaryReference;
            relationships[VerificationRelationship.CapabilityDelegation] = primaryReference;
            if (key.Type is not KeyType.Ed25519)
            {
                // ECDH works on the same curve, and the did:key vectors list EC keys under keyAgreement as well.
                relationships[VerificationRelationship.KeyAgreement] = primaryReference;
            }
            else if (derivedX25519 is { } x25519)
            {
                var agreement = VerificationMethod.Create(DidUrl.Parse($"{did}#{x25519.ExportMultikey()}"), did, x25519, format);
                methods.Add(agreement);
                relationships[VerificationRelationship.KeyAgreement] = [VerificationMethodReference.To(agreement.Id)];
            }
        }

        var context = format switch
        {
            PublicKeyFormat.JsonWebKey2020 => s_jwkContext,
            PublicKeyFormat.Ed25519VerificationKey2020 => s_ed25519Context,
            _ => s_multikeyContext,
        };
        return DidDocument.Create(did, context, methods, relationships);
    }

    /// <inheritdoc/>
    public ValueTask<DidResolutionResult> ResolveAsync(Did did, DidResolutionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(did);
        ArgumentNullException.ThrowIfNull(options);
        return ValueTask.FromResult(Resolve(did, options));
    }

    /// <summary>Resolves a did:key synchronously: it is pure computation.</summary>
    /// <param name="did">The DID.</param>
    /// <param name="options">The resolution options.</param>
    /// <returns>The result.</returns>
    public static DidResolutionResult Resolve(Did did, DidResolutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(did);
        ArgumentNullException.ThrowIfNull(options);
        if (options.VersionId is not null || options.VersionTime is not null)
        {
            return DidResolutionResult.Failure(DidResolutionError.InvalidOptions, "a did:key has no versions");
        }

        var id = did.MethodSpecificId;
        if (did.Method == MethodName && id.StartsWith('z') && !id.Contains(':', StringComparison.Ordinal)
            && options.EnableEncryptionKeyDerivation
            && Multikey.TryParsePublic(id, out var type, out var bytes, out _) && type == KeyType.Ed25519)
        {
            // The common case: one libsodium call checks the key and derives the key-agreement key.
            return PublicKey.TryImportEd25519WithX25519(bytes, out var ed25519, out var x25519)
                ? DidResolutionResult.Success(CreateDocument(did, ed25519, x25519, options.PublicKeyFormat), DidDocumentMetadata.Empty)
                : DidResolutionResult.Failure(DidResolutionError.InvalidPublicKey, "the public key is not a valid point of its curve");
        }

        if (!TryGetPublicKey(did, out var key, out var problem))
        {
            return DidResolutionResult.Failure(problem!.Error, problem.Detail);
        }

        if (options.PublicKeyFormat == PublicKeyFormat.Ed25519VerificationKey2020 && key.Type is not (KeyType.Ed25519 or KeyType.X25519))
        {
            return DidResolutionResult.Failure(DidResolutionError.InvalidPublicKeyType, $"the Ed25519VerificationKey2020 format cannot express a {key.Type} key");
        }

        return DidResolutionResult.Success(CreateDocument(key, options.PublicKeyFormat, options.EnableEncryptionKeyDerivation), DidDocumentMetadata.Empty);
    }

    /// <inheritdoc/>
    public TimeSpan CacheLifetime(Did did, DidResolutionOptions options) => TimeSpan.MaxValue; // a did:key document never changes
}
