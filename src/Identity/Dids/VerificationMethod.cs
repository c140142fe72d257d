using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Dids;

/// <summary>A verification method of a DID document (DID Core §5.2): an id, a type, a controller and public key material.</summary>
/// <remarks>
/// Key material is read from <c>publicKeyMultibase</c> (Multikey and the 2020 suites: multicodec-prefixed), <c>publicKeyJwk</c>
/// (JsonWebKey, JsonWebKey2020) or, for the older suites, <c>publicKeyBase58</c>, <c>publicKeyHex</c> or <c>publicKeyBase64</c> (raw key
/// bytes; the type says which key).
/// Members this type does not model are kept and written back unchanged.
/// </remarks>
public sealed class VerificationMethod
{
    private static readonly Dictionary<string, KeyType> s_legacyTypes = new(StringComparer.Ordinal)
    {
        ["Ed25519VerificationKey2018"] = KeyType.Ed25519,
        ["X25519KeyAgreementKey2019"] = KeyType.X25519,
        ["EcdsaSecp256k1VerificationKey2019"] = KeyType.Secp256k1,
        ["Secp256k1VerificationKey2018"] = KeyType.Secp256k1, // key-did-resolver's name
        ["P256Key2021"] = KeyType.P256,
        ["P384Key2021"] = KeyType.P384,
        ["P521Key2021"] = KeyType.P521,
    };

    private readonly Lazy<(PublicKey? Key, KeyError Error)> _key;

    internal VerificationMethod(
        string idText, DidUrl id, string type, string controller, string? publicKeyMultibase, JsonObject? publicKeyJwk,
        string? publicKeyBase58, IReadOnlyDictionary<string, JsonNode?> additionalProperties)
    {
        IdText = idText;
        Id = id;
        Type = type;
        Controller = controller;
        PublicKeyMultibase = publicKeyMultibase;
        PublicKeyJwk = publicKeyJwk;
        PublicKeyBase58 = publicKeyBase58;
        AdditionalProperties = additionalProperties;
        _key = new Lazy<(PublicKey?, KeyError)>(ReadKey);
    }

    /// <summary>Gets the id as an absolute DID URL.</summary>
    public DidUrl Id { get; }

    /// <summary>Gets the id as written in the document (possibly relative, such as <c>#key-1</c>).</summary>
    public string IdText { get; }

    /// <summary>Gets the type, for example <c>Multikey</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the controller's DID.</summary>
    public string Controller { get; }

    /// <summary>Gets the <c>publicKeyMultibase</c> value, if any.</summary>
    public string? PublicKeyMultibase { get; }

    /// <summary>Gets a copy of the <c>publicKeyJwk</c> value, if any.</summary>
    public JsonObject? PublicKeyJwk { get; }

    /// <summary>Gets the legacy <c>publicKeyBase58</c> value, if any.</summary>
    public string? PublicKeyBase58 { get; }

    /// <summary>Gets the members this type does not model (for example <c>blockchainAccountId</c>), by name.</summary>
    public IReadOnlyDictionary<string, JsonNode?> AdditionalProperties { get; }

    /// <summary>Creates a verification method for a key in the given format.</summary>
    /// <param name="id">The method's id.</param>
    /// <param name="controller">The controller's DID.</param>
    /// <param name="key">The public key.</param>
    /// <param name="format">How to write the key.</param>
    /// <returns>The verification method.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The format cannot express the key type.</exception>
    public static VerificationMethod Create(DidUrl id, Did controller, PublicKey key, PublicKeyFormat format)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(key);
        var empty = new Dictionary<string, JsonNode?>();
        return format switch
        {
            PublicKeyFormat.Multikey => new(id.ToString(), id, "Multikey", controller.ToString(), key.ExportMultikey(), null, null, empty),
            PublicKeyFormat.JsonWebKey2020 => new(id.ToString(), id, "JsonWebKey2020", controller.ToString(), null, JsonWebKey.ExportPublic(key), null, empty),
            PublicKeyFormat.Ed25519VerificationKey2020 => key.Type switch
            {
                KeyType.Ed25519 => new(id.ToString(), id, "Ed25519VerificationKey2020", controller.ToString(), key.ExportMultikey(), null, null, empty),
                KeyType.X25519 => new(id.ToString(), id, "X25519KeyAgreementKey2020", controller.ToString(), key.ExportMultikey(), null, null, empty),
                _ => throw new ArgumentException("The 2020 suites express Ed25519 and X25519 keys only.", nameof(format)),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    /// <summary>Reads the method's public key.</summary>
    /// <param name="key">The key when the method carries a valid one.</param>
    /// <param name="error">Why it does not, otherwise <see cref="KeyError.None"/>.</param>
    /// <returns><see langword="true"/> when a valid public key was read; otherwise <see langword="false"/>.</returns>
    public bool TryGetPublicKey([NotNullWhen(true)] out PublicKey? key, out KeyError error)
    {
        (key, error) = _key.Value;
        return key is not null;
    }

    /// <summary>Writes the method as a new JSON object, as it stands in a DID document.</summary>
    /// <returns>The JSON object.</returns>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["id"] = IdText, ["type"] = Type, ["controller"] = Controller };
        if (PublicKeyMultibase is not null)
        {
            json["publicKeyMultibase"] = PublicKeyMultibase;
        }

        if (PublicKeyJwk is not null)
        {
            json["publicKeyJwk"] = PublicKeyJwk.DeepClone();
        }

        if (PublicKeyBase58 is not null)
        {
            json["publicKeyBase58"] = PublicKeyBase58;
        }

        foreach (var (name, value) in AdditionalProperties)
        {
            json[name] = value?.DeepClone();
        }

        return json;
    }

    private (PublicKey?, KeyError) ReadKey()
    {
        var hex = AdditionalProperties.GetValueOrDefault("publicKeyHex") is JsonValue h && h.GetValueKind() == System.Text.Json.JsonValueKind.String ? h.GetValue<string>() : null;
        var base64 = AdditionalProperties.GetValueOrDefault("publicKeyBase64") is JsonValue b && b.GetValueKind() == System.Text.Json.JsonValueKind.String ? b.GetValue<string>() : null;
        var present = (PublicKeyMultibase is null ? 0 : 1) + (PublicKeyJwk is null ? 0 : 1) + (PublicKeyBase58 is null ? 0 : 1) + (hex is null ? 0 : 1) + (base64 is null ? 0 : 1);
        if (present != 1)
        {
            // None (for example EcdsaSecp256k1RecoveryMethod2020) or ambiguous: two encodings that could disagree.
            return (null, present == 0 ? KeyError.UnsupportedKeyType : KeyError.MalformedJwk);
        }

        if (hex is not null || base64 is not null)
        {
            // Legacy members (ethr-did-resolver 11.x): raw key bytes, the type says which key.
            if (!s_legacyTypes.TryGetValue(Type, out var legacyType))
            {
                return (null, KeyError.UnsupportedKeyType);
            }

            byte[] legacyBytes;
            try
            {
                legacyBytes = hex is not null ? Convert.FromHexString(hex.StartsWith("0x", StringComparison.Ordinal) ? hex[2..] : hex) : Convert.FromBase64String(base64!);
            }
            catch (FormatException)
            {
                return (null, KeyError.MalformedMultibase);
            }

            PublicKey.TryImport(legacyType, legacyBytes, out var legacyKey, out var legacyError);
            return (legacyKey, legacyError);
        }

        PublicKey? key;
        KeyError error;
        if (PublicKeyMultibase is not null)
        {
            PublicKey.TryImportMultikey(PublicKeyMultibase, out key, out error);
            return (key, error);
        }

        if (PublicKeyJwk is not null)
        {
            using var document = System.Text.Json.JsonDocument.Parse(PublicKeyJwk.ToJsonString());
            JsonWebKey.TryImportPublic(document.RootElement, out key, out error);
            return (key, error);
        }

        if (!s_legacyTypes.TryGetValue(Type, out var type))
        {
            return (null, KeyError.UnsupportedKeyType);
        }

        if (!Multibase.TryDecodeBase58(PublicKeyBase58, out var raw))
        {
            return (null, KeyError.MalformedMultibase);
        }

        PublicKey.TryImport(type, raw, out key, out error);
        return (key, error);
    }
}
