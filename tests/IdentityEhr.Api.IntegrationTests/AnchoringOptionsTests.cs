using IdentityEhr.Api.Log;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The EHR_ANCHOR_* settings: defaults per chain, the key file, and one clear line for each bad value.</summary>
public sealed class AnchoringOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ehr-anchoring-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_embedded_chain_anchors_every_ten_seconds_at_one_confirmation_and_a_configured_chain_every_ten_minutes_at_finalized()
    {
        using var embedded = AnchoringOptions.Read(_ => null, _directory, embeddedChain: true);
        using var configured = AnchoringOptions.Read(_ => null, _directory, embeddedChain: false);

        Assert.Equal((TimeSpan.FromSeconds(10), (ulong?)1), (embedded.Period, embedded.Finality.Confirmations));
        Assert.Equal((TimeSpan.FromMinutes(10), (ulong?)null, TimeSpan.FromMinutes(3)), (configured.Period, configured.Finality.Confirmations, configured.StuckAfter));
    }

    [Fact]
    public void The_anchor_key_is_made_once_readable_by_the_user_only_and_read_back_on_the_next_start()
    {
        using var first = AnchoringOptions.Read(_ => null, _directory, embeddedChain: true);
        var path = Path.Combine(_directory, AnchoringOptions.DefaultKeyFileName);
        using var second = AnchoringOptions.Read(_ => null, _directory, embeddedChain: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first.Key.ToArray(), second.Key.ToArray());
        Assert.Matches("^0x[0-9a-f]{64}\n$", File.ReadAllText(path));
    }

    [Fact]
    public void Anchoring_off_reads_and_makes_no_key()
    {
        using var off = AnchoringOptions.Read(name => name == AnchoringOptions.EnabledVariable ? "off" : null, _directory, embeddedChain: true);

        Assert.False(off.Enabled);
        Assert.False(File.Exists(Path.Combine(_directory, AnchoringOptions.DefaultKeyFileName)));
    }

    [Theory]
    [InlineData(AnchoringOptions.EnabledVariable, "maybe", "EHR_ANCHORING must be 'on' or 'off'")]
    [InlineData(AnchoringOptions.PeriodVariable, "10s", "EHR_ANCHOR_PERIOD_MS must be a whole number of milliseconds")]
    [InlineData(AnchoringOptions.PollVariable, "0", "EHR_ANCHOR_POLL_MS")]
    [InlineData(AnchoringOptions.StuckVariable, "-1", "EHR_ANCHOR_STUCK_MS")]
    [InlineData(AnchoringOptions.FinalityVariable, "safe", "EHR_ANCHOR_FINALITY must be 'finalized' or a number of confirmations")]
    [InlineData(AnchoringOptions.MaxFeeVariable, "0", "EHR_ANCHOR_MAX_FEE_GWEI")]
    [InlineData(AnchoringOptions.KeyFileVariable, "/nonexistent/anchor.key", "EHR_ANCHOR_KEY_FILE names a file that does not exist")]
    public void A_bad_setting_is_one_line_naming_it(string variable, string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => AnchoringOptions.Read(name => name == variable ? value : null, _directory, embeddedChain: false));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("0x12")]
    [InlineData("z3u2en7t5LR2WtQH5PfsRmX8WpE8k3iRBvvn8TdZWvfvGTHL")]
    public void A_key_file_without_a_valid_secp256k1_key_is_refused_without_echoing_it(string content)
    {
        var path = Path.Combine(_directory, "given.key");
        File.WriteAllText(path, content + "\n");

        var error = Assert.Throws<FormatException>(() => AnchoringOptions.Read(name => name == AnchoringOptions.KeyFileVariable ? path : null, _directory, embeddedChain: false));
        Assert.Contains(AnchoringOptions.KeyFileVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(content, error.Message, StringComparison.Ordinal);
    }
}
