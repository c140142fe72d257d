using IdentityEhr.Api.Log;
using IdentityEhr.Identity.Dids;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;

namespace IdentityEhr.Api.Access;

/// <summary>
/// Who may accredit providers for break-glass access: <c>EHR_ACCREDITORS</c>, a comma-separated list of DIDs. With the embedded
/// chain and no list, a development accreditor: an Ed25519 key the service keeps in <c>&lt;data dir&gt;/accreditor.key</c>
/// (created on first start), whose did:key is trusted, so that <c>ehr demo</c> and <c>ehr admin accredit</c> work out of the box.
/// The service never uses that private key itself; it only derives the DID from it.
/// </summary>
internal sealed record AccreditorOptions(IReadOnlyList<string> Accreditors, string? DevKeyFile)
{
    public const string AccreditorsVariable = "EHR_ACCREDITORS";
    public const string DevKeyFileName = "accreditor.key";

    /// <summary>No accreditor: emergency access is refused (tests that do not ask for it).</summary>
    public static AccreditorOptions None { get; } = new([], null);

    public static AccreditorOptions Read(Func<string, string?> get, string? dataDirectory, bool embeddedChain)
    {
        if (get(AccreditorsVariable) is { } text && text.Trim().Length > 0)
        {
            var dids = new List<string>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                dids.Add(Did.TryParse(part, out var did, out _) ? did.ToString() : throw new FormatException($"{AccreditorsVariable} must be a comma-separated list of DIDs"));
            }

            return new AccreditorOptions(dids, null);
        }

        if (!embeddedChain || dataDirectory is null)
        {
            return None;
        }

        var path = Path.Combine(dataDirectory, DevKeyFileName);
        try
        {
            if (!File.Exists(path))
            {
                using var fresh = PrivateKey.Generate(KeyType.Ed25519);
                SecretFile.CreateNew(path, fresh.ExportMultikey() + "\n");
            }

            if (!PrivateKey.TryImportMultikey(File.ReadAllText(path).Trim(), out var key, out _) || key.Type != KeyType.Ed25519)
            {
                key?.Dispose();
                throw new FormatException($"the development accreditor key file is not an Ed25519 Multikey private key ({path})");
            }

            using (key)
            {
                return new AccreditorOptions([DidKey.Create(key.PublicKey).ToString()], path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"the development accreditor key file cannot be read or created ({path}): {e.GetType().Name}");
        }
    }
}
