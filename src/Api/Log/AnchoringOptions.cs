using System.Globalization;
using System.Security.Cryptography;
using IdentityEhr.AuditLog.Anchoring;

namespace IdentityEhr.Api.Log;

/// <summary>
/// How the service anchors its log (<c>EHR_ANCHOR_*</c>): the sending key, the period, polling, the stuck rule, finality and the
/// fee cap. The embedded chain defaults to seconds and one confirmation; a configured chain to ten minutes and <c>finalized</c>.
/// </summary>
internal sealed class AnchoringOptions : IDisposable
{
    public const string EnabledVariable = "EHR_ANCHORING";
    public const string KeyFileVariable = "EHR_ANCHOR_KEY_FILE";
    public const string PeriodVariable = "EHR_ANCHOR_PERIOD_MS";
    public const string PollVariable = "EHR_ANCHOR_POLL_MS";
    public const string StuckVariable = "EHR_ANCHOR_STUCK_MS";
    public const string FinalityVariable = "EHR_ANCHOR_FINALITY";
    public const string MaxFeeVariable = "EHR_ANCHOR_MAX_FEE_GWEI";
    public const string DefaultKeyFileName = "anchor.key";

    private readonly byte[] _key;

    private AnchoringOptions(bool enabled, byte[] key, TimeSpan period, TimeSpan poll, TimeSpan stuck, AnchorFinality finality, ulong maxFeeGwei)
    {
        Enabled = enabled;
        _key = key;
        Period = period;
        PollInterval = poll;
        StuckAfter = stuck;
        Finality = finality;
        MaxFeeGwei = maxFeeGwei;
    }

    public bool Enabled { get; }

    /// <summary>Gets the anchor account's secp256k1 private key (32 bytes; cleared on dispose).</summary>
    public ReadOnlySpan<byte> Key => _key;

    public TimeSpan Period { get; }

    public TimeSpan PollInterval { get; }

    public TimeSpan StuckAfter { get; }

    public AnchorFinality Finality { get; }

    public ulong MaxFeeGwei { get; }

    /// <summary>Reads the settings.</summary>
    /// <param name="lookup">Reads a variable.</param>
    /// <param name="dataDirectory">Where a generated key is kept, or <see langword="null"/> for an ephemeral key.</param>
    /// <param name="embeddedChain">Whether the chain is the embedded development chain (faster defaults).</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">A setting is malformed; the message names it.</exception>
    public static AnchoringOptions Read(Func<string, string?> lookup, string? dataDirectory, bool embeddedChain)
    {
        string? Get(string name) => lookup(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var enabled = Get(EnabledVariable) switch
        {
            null or "on" => true,
            "off" => false,
            _ => throw new FormatException($"{EnabledVariable} must be 'on' or 'off'"),
        };
        var period = Milliseconds(Get(PeriodVariable), PeriodVariable, embeddedChain ? 10_000 : 600_000, 100, 86_400_000);
        var poll = Milliseconds(Get(PollVariable), PollVariable, embeddedChain ? 1_000 : 15_000, 50, 3_600_000);
        var stuck = Milliseconds(Get(StuckVariable), StuckVariable, embeddedChain ? 30_000 : 180_000, 100, 86_400_000);
        var finality = AnchorFinality.Depth(1);
        if (Get(FinalityVariable) is { } finalityText)
        {
            finality = AnchorFinality.TryParse(finalityText, out var parsed)
                ? parsed
                : throw new FormatException($"{FinalityVariable} must be 'finalized' or a number of confirmations from 1 to 999999");
        }
        else if (!embeddedChain)
        {
            finality = AnchorFinality.FinalizedTag;
        }

        ulong maxFee = 500;
        if (Get(MaxFeeVariable) is { } feeText && (!ulong.TryParse(feeText, NumberStyles.None, CultureInfo.InvariantCulture, out maxFee) || maxFee is 0 or > 1_000_000))
        {
            throw new FormatException($"{MaxFeeVariable} must be a whole number of gwei from 1 to 1000000");
        }

        // No key is read or made while anchoring is off.
        var keyFile = Get(KeyFileVariable) ?? (dataDirectory is null ? null : Path.Combine(dataDirectory, DefaultKeyFileName));
        try
        {
            var key = !enabled ? new byte[32] : keyFile is null ? RandomNumberGenerator.GetBytes(32) : LoadOrCreateKey(keyFile, mayCreate: Get(KeyFileVariable) is null);
            return new AnchoringOptions(enabled, key, period, poll, stuck, finality, maxFee);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"the anchor key file cannot be read or created ({KeyFileVariable}): {e.GetType().Name}");
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static TimeSpan Milliseconds(string? text, string variable, int fallback, int min, int max)
    {
        if (text is null)
        {
            return TimeSpan.FromMilliseconds(fallback);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms >= min && ms <= max
            ? TimeSpan.FromMilliseconds(ms)
            : throw new FormatException($"{variable} must be a whole number of milliseconds from {min} to {max}");
    }

    private static byte[] LoadOrCreateKey(string path, bool mayCreate)
    {
        if (!File.Exists(path))
        {
            if (!mayCreate)
            {
                throw new FormatException($"{KeyFileVariable} names a file that does not exist");
            }

            // First start: make the anchor account's key and keep it, readable by this user only.
            var fresh = RandomNumberGenerator.GetBytes(32);
            SecretFile.CreateNew(path, "0x" + Convert.ToHexStringLower(fresh) + "\n");
            CryptographicOperations.ZeroMemory(fresh);
        }

        var text = File.ReadAllText(path).Trim();
        if (text.Length != 66 || !text.StartsWith("0x", StringComparison.Ordinal) || !text.Skip(2).All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"the anchor key file is not a secp256k1 private key as 0x and 64 hex digits ({KeyFileVariable})");
        }

        var key = Convert.FromHexString(text.AsSpan(2));
        try
        {
            // Zero, or not below the curve order: not a key.
            using var check = new Ethereum.Crypto.EthereumSigningKey(key);
        }
        catch (ArgumentException)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new FormatException($"the anchor key file does not hold a valid secp256k1 private key ({KeyFileVariable})");
        }

        return key;
    }
}
