using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityEhr.Ethereum;
using IdentityEhr.Ethereum.Contracts.Erc1056;
using IdentityEhr.Ethereum.Crypto;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Identity.Methods.Ethr;

/// <summary>Builds a did:ethr document from the identity's ERC-1056 history, as the did:ethr method spec's read algorithm says.</summary>
/// <remarks>
/// did:ethr method spec §"Read (Resolve)", and the reference resolver (ethr-did-resolver <c>wrapDidDocument</c>), whose choices the
/// spec leaves open are followed where they affect ids: <c>#delegate-N</c> counts every delegate and <c>did/pub</c> event, revoked or
/// not; <c>#service-N</c> every <c>did/svc</c> event; an entry is live while <c>validTo ≥ now</c>. Output types follow the current spec
/// (12.x): Ed25519VerificationKey2020 and X25519KeyAgreementKey2020 with <c>publicKeyMultibase</c>, EcdsaSecp256k1VerificationKey2019
/// with <c>publicKeyJwk</c>, Multikey for <c>did/pub/Multikey</c>. Differences from ethr-did-resolver 11.1.3: decision 0007.
/// </remarks>
internal static partial class EthrDocumentBuilder
{
    private const string DidContext = "https://www.w3.org/ns/did/v1";
    private const string RecoveryContext = "https://w3id.org/security/suites/secp256k1recovery-2020/v2";

    public static (DidDocument Document, DidDocumentMetadata Metadata) Build(
        Did did, ulong chainId, EthrIdentifier identifier, IReadOnlyList<Erc1056Event> history, ulong? versionId, DateTimeOffset now)
    {
        var controller = identifier.Address;
        var entries = new OrderedEntries();
        var contexts = new List<string> { DidContext, RecoveryContext };
        var delegateCount = 0;
        var serviceCount = 0;
        var deactivated = false;
        Erc1056Event? last = null;
        Erc1056Event? next = null;

        foreach (var change in history)
        {
            if (versionId is { } version && change.BlockNumber > version)
            {
                next ??= change;
                continue;
            }

            last = change;
            var live = change switch
            {
                DelegateChanged d => d.ValidTo >= now.ToUnixTimeSeconds(),
                AttributeChanged a => a.ValidTo >= now.ToUnixTimeSeconds(),
                _ => false,
            };
            switch (change)
            {
                case OwnerChanged owner:
                    controller = owner.Owner;
                    if (owner.Owner == Address.Zero)
                    {
                        deactivated = true;
                    }

                    break;

                case DelegateChanged d:
                    delegateCount++;
                    var delegateKey = $"DIDDelegateChanged-{d.DelegateType}-{d.Delegate}";
                    if (live && d.DelegateType is "veriKey" or "sigAuth")
                    {
                        var method = new JsonObject
                        {
                            ["id"] = $"{did}#delegate-{delegateCount}",
                            ["type"] = "EcdsaSecp256k1RecoveryMethod2020",
                            ["controller"] = did.ToString(),
                            ["blockchainAccountId"] = $"eip155:{chainId}:{d.Delegate.ToChecksumString()}",
                        };
                        entries.Set(delegateKey, new Entry(method, null, d.DelegateType == "sigAuth" ? Purpose.Authentication : Purpose.Assertion));
                    }
                    else if (!live)
                    {
                        entries.Remove(delegateKey);
                    }

                    break;

                case AttributeChanged a when AttributeName().Match(a.Name) is { Success: true } match:
                    var attributeKey = $"DIDAttributeChanged-{a.Name}-0x{Convert.ToHexStringLower(a.Value)}";
                    if (match.Groups[1].Value == "pub")
                    {
                        delegateCount++;
                        if (!live)
                        {
                            entries.Remove(attributeKey);
                        }
                        else if (PublicKeyMethod(did, delegateCount, match.Groups[2].Value, a.Value, contexts) is { } method)
                        {
                            var purpose = match.Groups[4].Value switch
                            {
                                "sigAuth" => Purpose.Authentication,
                                "enc" => Purpose.KeyAgreement,
                                _ => Purpose.Assertion,
                            };
                            entries.Set(attributeKey, new Entry(method, null, purpose));
                        }
                    }
                    else
                    {
                        serviceCount++;
                        if (!live)
                        {
                            entries.Remove(attributeKey);
                        }
                        else
                        {
                            entries.Set(attributeKey, new Entry(null, Service(did, serviceCount, match.Groups[2].Value, a.Value), Purpose.None));
                        }
                    }

                    break;
            }

            if (deactivated)
            {
                break;
            }
        }

        var metadata = new DidDocumentMetadata(
            Updated: last?.BlockTime,
            Deactivated: deactivated ? true : null,
            VersionId: last?.BlockNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            NextVersionId: next?.BlockNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            NextUpdate: next?.BlockTime);

        var json = new JsonObject { ["@context"] = null, ["id"] = did.ToString() };
        var methods = new JsonArray();
        var authentication = new JsonArray();
        var assertion = new JsonArray();
        var agreement = new JsonArray();
        var services = new JsonArray();
        if (!deactivated)
        {
            methods.Add(new JsonObject
            {
                ["id"] = $"{did}#controller",
                ["type"] = "EcdsaSecp256k1RecoveryMethod2020",
                ["controller"] = did.ToString(),
                ["blockchainAccountId"] = $"eip155:{chainId}:{controller.ToChecksumString()}",
            });
            authentication.Add($"{did}#controller");
            assertion.Add($"{did}#controller");

            // The public key of a public-key DID is listed while the identity still controls itself.
            if (identifier.PublicKey is { } publicKey && controller == identifier.Address)
            {
                methods.Add(new JsonObject
                {
                    ["id"] = $"{did}#controllerKey",
                    ["type"] = "EcdsaSecp256k1VerificationKey2019",
                    ["controller"] = did.ToString(),
                    ["publicKeyJwk"] = JsonWebKey.ExportPublic(Keys.PublicKey.Import(KeyType.Secp256k1, publicKey)),
                });
                authentication.Add($"{did}#controllerKey");
                assertion.Add($"{did}#controllerKey");
                AddContext(contexts, "https://w3id.org/security/suites/jws-2020/v1");
            }

            foreach (var entry in entries.Values)
            {
                if (entry.Service is { } service)
                {
                    services.Add(service);
                    continue;
                }

                var id = entry.Method!["id"]!.GetValue<string>();
                methods.Add(entry.Method);
                switch (entry.Purpose)
                {
                    case Purpose.KeyAgreement:
                        agreement.Add(id);
                        break;
                    case Purpose.Authentication:
                        authentication.Add(id);
                        assertion.Add(id);
                        break;
                    default:
                        assertion.Add(id);
                        break;
                }
            }
        }

        json["@context"] = new JsonArray([.. contexts.Select(c => (JsonNode)JsonValue.Create(c))]);
        json["verificationMethod"] = methods;
        json["authentication"] = authentication;
        json["assertionMethod"] = assertion;
        if (agreement.Count > 0)
        {
            json["keyAgreement"] = agreement;
        }

        if (services.Count > 0)
        {
            json["service"] = services;
        }

        if (!DidDocument.TryParse(json.ToJsonString(), out var document, out var error))
        {
            // Our own output must always be a valid document; this is an invariant, not input validation.
            throw new InvalidOperationException($"did:ethr produced an invalid DID document: {error}");
        }

        return (document, metadata);
    }

    private static JsonObject? PublicKeyMethod(Did did, int index, string algorithm, ReadOnlySpan<byte> value, List<string> contexts)
    {
        var method = new JsonObject { ["id"] = $"{did}#delegate-{index}", ["controller"] = did.ToString() };
        switch (algorithm)
        {
            case "Ed25519" when value.Length == 32:
                method["type"] = "Ed25519VerificationKey2020";
                method["publicKeyMultibase"] = Multibase.EncodeBase58Btc(Multicodec.Prefix(0xed, value));
                AddContext(contexts, "https://w3id.org/security/suites/ed25519-2020/v1");
                return method;
            case "X25519" when value.Length == 32:
                method["type"] = "X25519KeyAgreementKey2020";
                method["publicKeyMultibase"] = Multibase.EncodeBase58Btc(Multicodec.Prefix(0xec, value));
                AddContext(contexts, "https://w3id.org/security/suites/x25519-2020/v1");
                return method;
            case "Secp256k1" when Secp256k1.TryCompress(value, out var compressed):
                method["type"] = "EcdsaSecp256k1VerificationKey2019";
                method["publicKeyJwk"] = JsonWebKey.ExportPublic(Keys.PublicKey.Import(KeyType.Secp256k1, compressed));
                AddContext(contexts, "https://w3id.org/security/suites/jws-2020/v1");
                return method;
            case "Multikey" when value.Length > 2:
                method["type"] = "Multikey";
                method["publicKeyMultibase"] = Multibase.EncodeBase58Btc(value);
                AddContext(contexts, "https://w3id.org/security/multikey/v1");
                return method;
            default:
                // An algorithm we do not model, or a value of the wrong size: kept visible as hex under the type named.
                method["type"] = algorithm;
                method["publicKeyHex"] = Convert.ToHexStringLower(value);
                return method;
        }
    }

    private static JsonObject Service(Did did, int index, string type, ReadOnlySpan<byte> value)
    {
        var text = Encoding.UTF8.GetString(value);
        JsonNode endpoint;
        try
        {
            // A JSON value that parses to an object or array is kept as such; anything else is the endpoint URI as text.
            var parsed = JsonNode.Parse(text);
            endpoint = parsed is JsonObject or JsonArray ? parsed : JsonValue.Create(text);
        }
        catch (JsonException)
        {
            endpoint = JsonValue.Create(text);
        }

        return new JsonObject { ["id"] = $"{did}#service-{index}", ["type"] = type, ["serviceEndpoint"] = endpoint };
    }

    private static void AddContext(List<string> contexts, string context)
    {
        if (!contexts.Contains(context))
        {
            contexts.Add(context);
        }
    }

    [GeneratedRegex(@"^did/(pub|svc)/(\w+)(/(\w+))?(/(\w+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();

    private enum Purpose
    {
        None,
        Assertion,
        Authentication,
        KeyAgreement,
    }

    private sealed record Entry(JsonObject? Method, JsonObject? Service, Purpose Purpose);

    /// <summary>Entries in insertion order, as JavaScript objects keep them: re-setting keeps the place, removing loses it.</summary>
    private sealed class OrderedEntries
    {
        private readonly List<string> _order = [];
        private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

        public IEnumerable<Entry> Values => _order.Select(k => _entries[k]);

        public void Set(string key, Entry entry)
        {
            if (!_entries.ContainsKey(key))
            {
                _order.Add(key);
            }

            _entries[key] = entry;
        }

        public void Remove(string key)
        {
            if (_entries.Remove(key))
            {
                _order.Remove(key);
            }
        }
    }
}
