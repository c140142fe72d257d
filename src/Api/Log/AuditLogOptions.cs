using IdentityEhr.AuditLog.Notes;
using IdentityEhr.Identity.Keys;

namespace IdentityEhr.Api.Log;

/// <summary>How the service runs its audit log: the checkpoint origin and key, and how often checkpoints are cut.</summary>
internal sealed class AuditLogOptions : IDisposable
{
    /// <summary>The origin (and note key name) when <c>EHR_LOG_ORIGIN</c> is unset.</summary>
    public const string DefaultOrigin = "identityehr.localhost/audit";

    /// <summary>The variable naming the checkpoint origin.</summary>
    public const string OriginVariable = "EHR_LOG_ORIGIN";

    /// <summary>The variable naming a file that holds the checkpoint signing key (an Ed25519 Multikey private key).</summary>
    public const string KeyFileVariable = "EHR_LOG_KEY_FILE";

    /// <summary>The variable giving the checkpoint interval in milliseconds.</summary>
    public const string IntervalVariable = "EHR_CHECKPOINT_INTERVAL_MS";

    /// <summary>The key file's name in the data folder when <c>EHR_LOG_KEY_FILE</c> is unset.</summary>
    public const string DefaultKeyFileName = "log-signing.key";

    private readonly PrivateKey _key;

    public AuditLogOptions(string origin, PrivateKey key, TimeSpan checkpointInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointInterval, TimeSpan.FromMilliseconds(10));
        _key = key;
        Signer = new NoteSigner(origin, key);
        CheckpointInterval = checkpointInterval;
    }

    /// <summary>Gets the checkpoint signer; its key name is the origin.</summary>
    public NoteSigner Signer { get; }

    /// <summary>Gets the origin.</summary>
    public string Origin => Signer.VerifierKey.Name;

    /// <summary>Gets how often a checkpoint is cut while the tree grows.</summary>
    public TimeSpan CheckpointInterval { get; }

    /// <summary>Reads the settings: origin, key (from a file, created in the data folder on first start), interval.</summary>
    /// <param name="lookup">Reads a variable.</param>
    /// <param name="dataDirectory">The folder that keeps the service's data, or <see langword="null"/> for an ephemeral key.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">A setting is malformed; the message names the variable, never the key.</exception>
    public static AuditLogOptions Read(Func<string, string?> lookup, string? dataDirectory)
    {
        string? Get(string name) => lookup(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var origin = Get(OriginVariable) ?? DefaultOrigin;
        if (!SignedNote.IsValidKeyName(origin))
        {
            throw new FormatException($"{OriginVariable} must be a schema-less URL without spaces or '+', such as ehr.example.org/audit");
        }

        var interval = TimeSpan.FromSeconds(1);
        if (Get(IntervalVariable) is { } text)
        {
            interval = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms is >= 10 and <= 3_600_000
                ? TimeSpan.FromMilliseconds(ms)
                : throw new FormatException($"{IntervalVariable} must be a whole number of milliseconds from 10 to 3600000");
        }

        var keyFile = Get(KeyFileVariable) ?? (dataDirectory is null ? null : Path.Combine(dataDirectory, DefaultKeyFileName));
        try
        {
            var key = keyFile is null ? PrivateKey.Generate(KeyType.Ed25519) : LoadOrCreateKey(keyFile, created: Get(KeyFileVariable) is null);
            return new AuditLogOptions(origin, key, interval);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"the log key file cannot be read or created ({KeyFileVariable}): {e.GetType().Name}");
        }
    }

    private static PrivateKey LoadOrCreateKey(string path, bool created)
    {
        if (!File.Exists(path))
        {
            if (!created)
            {
                throw new FormatException($"{KeyFileVariable} names a file that does not exist");
            }

            // First start with embedded defaults: make the log's key and keep it, readable by this user only.
            using var fresh = PrivateKey.Generate(KeyType.Ed25519);
            SecretFile.CreateNew(path, fresh.ExportMultikey() + "\n");
        }

        var text = File.ReadAllText(path).Trim();
        if (!PrivateKey.TryImportMultikey(text, out var key, out _) || key.Type != KeyType.Ed25519)
        {
            key?.Dispose();
            throw new FormatException($"the log key file is not an Ed25519 Multikey private key ({KeyFileVariable})");
        }

        return key;
    }

    public void Dispose() => _key.Dispose();
}
