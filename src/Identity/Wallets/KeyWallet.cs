using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Identity.Wallets;

/// <summary>
/// A wallet file: private keys sealed at rest (AES-256-GCM) under a key derived from a passphrase (Argon2id) or under a master key.
/// </summary>
/// <remarks>
/// Format <c>identityehr-wallet/1</c> (specs/wallet.md). Immutable: <see cref="Add"/> returns a new wallet. A sealed check value
/// tells a wrong passphrase from a damaged file even when the wallet holds no key yet.
/// </remarks>
public sealed class KeyWallet
{
    /// <summary>The format name written into every wallet file.</summary>
    public const string FormatName = "identityehr-wallet/1";

    /// <summary>The largest wallet file accepted, in bytes.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private const string CheckContext = "identityehr-wallet/1|check";
    private static readonly byte[] s_checkValue = Encoding.ASCII.GetBytes("identityehr-wallet");
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private readonly JsonObject _protection;
    private readonly string _check;

    private KeyWallet(JsonObject protection, string check, IReadOnlyList<WalletEntry> entries)
    {
        _protection = protection;
        _check = check;
        Entries = entries;
    }

    /// <summary>Gets the keys, in the order they were added.</summary>
    public IReadOnlyList<WalletEntry> Entries { get; }

    /// <summary>Creates an empty wallet protected by a passphrase.</summary>
    /// <param name="passphrase">The passphrase.</param>
    /// <param name="parameters">The Argon2id salt and cost, or <see langword="null"/> for a fresh salt and the default cost.</param>
    /// <param name="sealer">The sealer derived from the passphrase, to add keys with; dispose it when done.</param>
    /// <returns>The wallet.</returns>
    public static KeyWallet CreateWithPassphrase(string passphrase, Argon2idParameters? parameters, out KeySealer sealer)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        parameters ??= Argon2idParameters.CreateNew();
        sealer = KeySealer.FromPassphrase(passphrase, parameters);
        var protection = new JsonObject
        {
            ["method"] = "argon2id",
            ["salt"] = Base64UrlText.Encode(parameters.Salt.Span),
            ["opsLimit"] = parameters.OpsLimit,
            ["memLimitBytes"] = parameters.MemLimitBytes,
        };
        return new KeyWallet(protection, sealer.Seal(s_checkValue, CheckContext), []);
    }

    /// <summary>Creates an empty wallet protected by a master key (the service's own keys).</summary>
    /// <param name="sealer">A sealer holding the master key.</param>
    /// <returns>The wallet.</returns>
    public static KeyWallet CreateWithMasterKey(KeySealer sealer)
    {
        ArgumentNullException.ThrowIfNull(sealer);
        var protection = new JsonObject { ["method"] = "master-key", ["keyId"] = sealer.KeyId };
        return new KeyWallet(protection, sealer.Seal(s_checkValue, CheckContext), []);
    }

    /// <summary>Reads a wallet file and opens it with a passphrase.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="passphrase">The passphrase.</param>
    /// <param name="sealer">The sealer derived from the passphrase; dispose it when done.</param>
    /// <returns>The wallet.</returns>
    /// <exception cref="WalletException">The file is malformed, is not passphrase-protected, or the passphrase is wrong.</exception>
    public static KeyWallet OpenWithPassphrase(string json, string passphrase, out KeySealer sealer)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var (protection, check, entries) = Read(json);
        if (protection["method"]?.GetValue<string>() != "argon2id")
        {
            throw new WalletException("the wallet is protected by a master key, not a passphrase");
        }

        var parameters = ReadArgon2(protection);
        sealer = KeySealer.FromPassphrase(passphrase, parameters);
        return Verified(new KeyWallet(protection, check, entries), sealer, "the passphrase does not open this wallet");
    }

    /// <summary>Reads a wallet file and opens it with a master key.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="sealer">A sealer holding the master key.</param>
    /// <returns>The wallet.</returns>
    /// <exception cref="WalletException">The file is malformed, is not master-key-protected, or the key is wrong.</exception>
    public static KeyWallet OpenWithMasterKey(string json, KeySealer sealer)
    {
        ArgumentNullException.ThrowIfNull(sealer);
        var (protection, check, entries) = Read(json);
        if (protection["method"]?.GetValue<string>() != "master-key")
        {
            throw new WalletException("the wallet is protected by a passphrase, not a master key");
        }

        return Verified(new KeyWallet(protection, check, entries), sealer, "the master key does not open this wallet");
    }

    /// <summary>Returns a wallet with one more key, sealed at once.</summary>
    /// <param name="key">The private key.</param>
    /// <param name="did">The DID it controls.</param>
    /// <param name="label">A name for it, or <see langword="null"/>.</param>
    /// <param name="sealer">The wallet's sealer.</param>
    /// <param name="now">When it is added.</param>
    /// <returns>The new wallet.</returns>
    /// <exception cref="ArgumentException">The wallet already holds a key for that DID.</exception>
    public KeyWallet Add(PrivateKey key, Did did, string? label, KeySealer sealer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(did);
        ArgumentNullException.ThrowIfNull(sealer);
        if (Find(did) is not null)
        {
            throw new ArgumentException("The wallet already holds a key for this DID.", nameof(did));
        }

        var entry = new WalletEntry(did, key.PublicKey, label, now, sealer.Seal(key, Context(did)));
        return new KeyWallet(_protection, _check, [.. Entries, entry]);
    }

    /// <summary>Finds the entry of a DID.</summary>
    /// <param name="did">The DID.</param>
    /// <returns>The entry, or <see langword="null"/> when the wallet holds no key for it.</returns>
    public WalletEntry? Find(Did did) => Entries.FirstOrDefault(e => e.Did.Equals(did));

    /// <summary>Unseals the private key of an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="sealer">The wallet's sealer.</param>
    /// <returns>The key; dispose it when done.</returns>
    /// <exception cref="WalletException">The sealed key does not open, or does not match the entry's public key.</exception>
    public static PrivateKey Unseal(WalletEntry entry, KeySealer sealer)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(sealer);
        PrivateKey key;
        try
        {
            key = sealer.Unseal(entry.SealedKey, Context(entry.Did));
        }
        catch (CryptographicException e)
        {
            throw new WalletException($"the key of {entry.Did} does not open: the wallet is damaged", e);
        }

        if (!key.PublicKey.Equals(entry.PublicKey))
        {
            key.Dispose();
            throw new WalletException($"the key of {entry.Did} does not match its public key: the wallet is damaged");
        }

        return key;
    }

    /// <summary>Writes the wallet file's text. It holds only sealed keys.</summary>
    /// <returns>The JSON text.</returns>
    public string Serialize()
    {
        var keys = new JsonArray();
        foreach (var entry in Entries)
        {
            var json = new JsonObject
            {
                ["did"] = entry.Did.ToString(),
                ["keyType"] = entry.PublicKey.Type.ToString(),
                ["publicKeyMultibase"] = entry.PublicKey.ExportMultikey(),
                ["created"] = entry.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["sealedKey"] = entry.SealedKey,
            };
            if (entry.Label is not null)
            {
                json["label"] = entry.Label;
            }

            keys.Add(json);
        }

        return new JsonObject
        {
            ["format"] = FormatName,
            ["protection"] = _protection.DeepClone(),
            ["check"] = _check,
            ["keys"] = keys,
        }.ToJsonString(s_indented) + "\n";
    }

    private static string Context(Did did) => $"{FormatName}|{did}";

    private static KeyWallet Verified(KeyWallet wallet, KeySealer sealer, string wrongKeyMessage)
    {
        try
        {
            var check = sealer.UnsealBytes(wallet._check, CheckContext);
            if (!check.AsSpan().SequenceEqual(s_checkValue))
            {
                throw new WalletException(wrongKeyMessage);
            }
        }
        catch (CryptographicException e)
        {
            sealer.Dispose();
            throw new WalletException(wrongKeyMessage, e);
        }

        return wallet;
    }

    private static (JsonObject Protection, string Check, IReadOnlyList<WalletEntry> Entries) Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxFileBytes)
        {
            throw new WalletException($"the wallet file is larger than {MaxFileBytes} bytes");
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 8 }) as JsonObject
                ?? throw new WalletException("the wallet file is not a JSON object");
        }
        catch (JsonException)
        {
            throw new WalletException("the wallet file is not valid JSON");
        }

        if (Text(root, "format") != FormatName)
        {
            throw new WalletException($"the file is not an {FormatName} wallet");
        }

        if (root["protection"] is not JsonObject protection || Text(root, "check") is not { } check)
        {
            throw new WalletException("the wallet file lacks its protection or check value");
        }

        if (root["keys"] is not JsonArray keys)
        {
            throw new WalletException("the wallet file lacks its key list");
        }

        var entries = new List<WalletEntry>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is not JsonObject item
                || !Did.TryParse(Text(item, "did"), out var did, out _)
                || !PublicKey.TryImportMultikey(Text(item, "publicKeyMultibase") ?? string.Empty, out var publicKey, out _)
                || !DateTimeOffset.TryParse(Text(item, "created"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
                || Text(item, "sealedKey") is not { } sealedKey)
            {
                throw new WalletException($"the wallet file's key {i} is malformed");
            }

            entries.Add(new WalletEntry(did, publicKey, Text(item, "label"), created, sealedKey));
        }

        return ((JsonObject)protection.DeepClone(), check, entries);
    }

    private static Argon2idParameters ReadArgon2(JsonObject protection)
    {
        var salt = Text(protection, "salt");
        if (salt is not null && Base64UrlText.TryDecode(salt, out var saltBytes)
            && protection["opsLimit"] is JsonValue ops && ops.GetValueKind() == JsonValueKind.Number && ops.TryGetValue<ulong>(out var opsLimit)
            && protection["memLimitBytes"] is JsonValue mem && mem.GetValueKind() == JsonValueKind.Number && mem.TryGetValue<ulong>(out var memLimit)
            && new Argon2idParameters(saltBytes, opsLimit, memLimit) is { IsWithinBounds: true } parameters)
        {
            return parameters;
        }

        throw new WalletException("the wallet's Argon2id parameters are missing, malformed or out of bounds");
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
