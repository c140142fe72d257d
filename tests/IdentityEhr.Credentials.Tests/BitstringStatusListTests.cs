using System.IO.Compression;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Testing;

namespace IdentityEhr.Credentials.Tests;

/// <summary>
/// Bitstring Status List v1.0 against shared/vectors/bitstring-status-list (spec examples 1, 3-5, W3C Software and Document
/// License; and the derived MSB-first vector), then the limits and refusals.
/// </summary>
public sealed class BitstringStatusListTests
{
    private const string Dir = "bitstring-status-list";

    private static JsonElement Read(string file) => JsonDocument.Parse(Vectors.ReadText($"{Dir}/{file}")).RootElement;

    public static TheoryData<string> StatusListExamples() =>
        new("example3-bitstring-status-list-credential.json", "example5-status-list-vc-unsecured.json",
            "example5-status-list-vc-ecdsa-rdfc-2019.json", "example5-status-list-vc-eddsa-rdfc-2022.json");

    [Theory]
    [MemberData(nameof(StatusListExamples))]
    public void The_spec_lists_decode_to_131072_clear_entries(string file)
    {
        Assert.True(BitstringStatusList.TryRead(Read(file), out var list, out var error), error.ToString());

        Assert.Equal(Bitstring.MinimumEntries, list.Bitstring.Length);
        Assert.Equal(16_384, list.Bitstring.Bytes.Length);
        Assert.True(list.Bitstring.Bytes.IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(BitstringStatusListEntry.Revocation, list.StatusPurpose);
    }

    [Fact]
    public void The_derived_vector_sets_bits_most_significant_first()
    {
        var vector = Read("derived-set-bits-vector.json");

        Assert.True(Bitstring.TryDecode(vector.GetProperty("encodedList").GetString(), 1, out var bits, out var error), error.ToString());
        Assert.Equal(vector.GetProperty("lengthBits").GetInt64(), bits.Length);
        Assert.Equal(vector.GetProperty("firstBytesHex").GetString(), Convert.ToHexStringLower(bits.Bytes[..2]));
        var set = vector.GetProperty("setIndices").EnumerateArray().Select(e => e.GetInt64()).ToHashSet();
        Assert.All(set, i => Assert.Equal(1, bits.Get(i)));
        Assert.All(vector.GetProperty("unsetIndicesSample").EnumerateArray(), e => Assert.Equal(0, bits.Get(e.GetInt64())));
        Assert.Equal(set.Count, Enumerable.Range(0, (int)bits.Length).Count(i => bits.Get(i) == 1));
    }

    [Fact]
    public void Our_encoding_of_the_same_bits_decodes_to_the_same_list()
    {
        var list = new[] { 0L, 7, 8, 94567, 131071 }.Aggregate(Bitstring.Create(), (b, i) => b.With(i, 1));
        var vector = Read("derived-set-bits-vector.json");
        Assert.True(Bitstring.TryDecode(vector.GetProperty("encodedList").GetString(), 1, out var expected, out _));

        Assert.Equal(expected.Bytes.ToArray(), list.Bytes.ToArray());
        Assert.True(Bitstring.TryDecode(list.Encode(), 1, out var roundTrip, out _));
        Assert.Equal(list.Bytes.ToArray(), roundTrip.Bytes.ToArray());
        Assert.Equal(0x01, list.Bytes[11820]);
    }

    [Fact]
    public void The_spec_entries_are_read()
    {
        var statuses = Read("example1-credential-with-revocation-and-suspension-entries.json").GetProperty("credentialStatus").EnumerateArray().ToArray();

        Assert.True(BitstringStatusListEntry.TryRead(statuses[0], out var revocation, out _));
        Assert.True(BitstringStatusListEntry.TryRead(statuses[1], out var suspension, out _));
        Assert.Equal(new BitstringStatusListEntry("https://example.com/credentials/status/3#94567", "revocation", 94567, "https://example.com/credentials/status/3"), revocation);
        Assert.Equal(("suspension", 23452L), (suspension.StatusPurpose, suspension.StatusListIndex));
        Assert.True(JsonElement.DeepEquals(statuses[0], JsonSerializer.SerializeToElement(revocation.ToJson())));
    }

    [Fact]
    public void An_entry_is_looked_up_in_its_list_and_mismatches_are_refused()
    {
        Assert.True(BitstringStatusList.TryRead(Read("example5-status-list-vc-unsecured.json"), out var list, out _));
        var entry = new BitstringStatusListEntry(null, "revocation", 94567, "https://example.com/credentials/status/3");

        Assert.Equal(StatusListError.None, list.TryGetStatus(entry, out var status));
        Assert.Equal(0, status);
        Assert.Equal(StatusListError.PurposeMismatch, list.TryGetStatus(entry with { StatusPurpose = "suspension" }, out _));
        Assert.Equal(StatusListError.PurposeMismatch, list.TryGetStatus(entry with { StatusListCredential = "https://example.com/credentials/status/4" }, out _));
        Assert.Equal(StatusListError.Range, list.TryGetStatus(entry with { StatusListIndex = 131_072 }, out _));
    }

    [Theory]
    [InlineData("\"94567\"", StatusListError.None)]
    [InlineData("\"-1\"", StatusListError.Range)]
    [InlineData("\"1e3\"", StatusListError.Range)]
    [InlineData("\"\"", StatusListError.Range)]
    [InlineData("\"9999999999999\"", StatusListError.Range)]
    [InlineData("\"٣\"", StatusListError.Range)]
    [InlineData("94567", StatusListError.MalformedValue)]
    [InlineData("null", StatusListError.MalformedValue)]
    public void Entry_indexes_must_be_decimal_strings(string index, StatusListError expected)
    {
        var json = $$"""{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":{{index}},"statusListCredential":"https://x/1"}""";

        Assert.Equal(expected == StatusListError.None, BitstringStatusListEntry.TryRead(JsonDocument.Parse(json).RootElement, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Short_malformed_and_bomb_lists_are_refused()
    {
        static string Gzip(byte[] bytes)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            return "u" + Base64UrlText.Encode(output.ToArray());
        }

        var cases = new (string? Encoded, StatusListError Error)[]
        {
            (Gzip(new byte[16_383]), StatusListError.TooShort),
            (Gzip(new byte[Bitstring.MaxBytes + 1]), StatusListError.TooLarge),
            ("z" + Gzip(new byte[16_384])[1..], StatusListError.MalformedValue),
            ("u" + Base64UrlText.Encode(new byte[16_384]), StatusListError.MalformedValue),
            ("u!!!", StatusListError.MalformedValue),
            ("u", StatusListError.MalformedValue),
            (null, StatusListError.MalformedValue),
            ("u" + new string('A', Bitstring.MaxEncodedLength), StatusListError.TooLarge),
        };

        Assert.All(cases, c =>
        {
            Assert.False(Bitstring.TryDecode(c.Encoded, 1, out _, out var error));
            Assert.Equal(c.Error, error);
        });
    }

    [Fact]
    public void Setting_any_entry_changes_only_that_entry()
    {
        var empty = Bitstring.Create(Bitstring.MinimumEntries, statusSize: 2);
        Prop.ForAll(Arb.From(Gen.Choose(0, Bitstring.MinimumEntries - 1)), Arb.From(Gen.Choose(0, 3)), (index, status) =>
        {
            var list = empty.With(index, status);
            return list.Get(index) == status
                && (index == 0 || list.Get(index - 1) == 0)
                && (index == Bitstring.MinimumEntries - 1 || list.Get(index + 1) == 0)
                && empty.Get(index) == 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true));
    }

    [Fact]
    public void A_status_list_credential_we_issue_is_signed_read_and_cached_by_its_ttl()
    {
        using var key = PrivateKey.Generate(KeyType.Ed25519);
        var did = $"did:key:{key.PublicKey.ExportMultikey()}";
        var issued = DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var bits = Bitstring.Create().With(42, 1);
        var unsecured = BitstringStatusList.CreateCredential("https://ehr.example/status/1", did, "revocation", bits, issued, TimeSpan.FromMinutes(5));
        var signed = JsonSerializer.SerializeToElement(EddsaJcs2022.Sign(unsecured, new ProofOptions($"{did}#{key.PublicKey.ExportMultikey()}", ProofOptions.AssertionMethod, issued), key));

        Assert.True(EddsaJcs2022.TryVerify(signed, key.PublicKey, out _, out _));
        Assert.True(BitstringStatusList.TryRead(signed, out var list, out _));
        Assert.Equal(StatusListError.None, list.TryGetStatus(new BitstringStatusListEntry(null, "revocation", 42, "https://ehr.example/status/1"), out var status));
        Assert.Equal(1, status);
        Assert.Equal((did, TimeSpan.FromMinutes(5)), (list.Issuer, list.Ttl));
        Assert.Equal(issued.AddMinutes(5), list.CacheUntil(issued, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(9_223_372_036_854_775_807L)]
    [InlineData(300_000_000_000_000L)]
    [InlineData(BitstringStatusList.MaxTtlMilliseconds + 1)]
    public void A_ttl_beyond_a_year_is_refused_rather_than_overflow_the_cache_expiry(long ttl)
    {
        var credential = BitstringStatusList.CreateCredential("https://ehr.example/status/1", "did:key:z6Mk", "revocation", Bitstring.Create(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        credential["credentialSubject"]!["ttl"] = ttl;

        Assert.False(BitstringStatusList.TryRead(JsonSerializer.SerializeToElement(credential), out _, out _));
    }
}
