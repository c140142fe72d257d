using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.AuditLog.Entries;

namespace IdentityEhr.AuditLog.Tests;

public sealed class AuditEntryTests
{
    /// <summary>A synthetic entry: made-up DIDs and CID, no real person or record.</summary>
    internal static AuditEntry Sample(int n = 0) => new()
    {
        Type = AuditEventType.AccessGranted,
        Id = Guid.Parse($"01937f6e-0000-7000-8000-{n:x12}"),
        Time = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(n),
        Actor = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        Subject = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
        Record = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        Purpose = "TREAT",
        Evidence = new AuditEvidence(Presentation: new string('a', 64), Credential: new string('b', 64), Holder: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    };

    [Fact]
    public void Canonical_bytes_are_sorted_compact_JSON()
    {
        var text = Encoding.UTF8.GetString(Sample().ToCanonicalBytes());

        Assert.Equal(
            "{\"actor\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"evidence\":{\"credential\":\"" + new string('b', 64) +
            "\",\"holder\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"presentation\":\"" + new string('a', 64) +
            "\"},\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"purpose\":\"TREAT\",\"record\":\"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy\"," +
            "\"subject\":\"did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"AccessGranted\",\"v\":1}",
            text);
    }

    [Fact]
    public void Canonical_bytes_equal_the_general_JCS_canonicalizer_for_random_entries()
    {
        // Identifiers may hold any printable ASCII, including the two characters JSON escapes.
        var printable = Gen.Elements(Enumerable.Range(0x21, 0x7E - 0x21).Select(c => (char)c).ToArray());
        var identifier = Gen.ArrayOf(printable).Where(a => a.Length is > 0 and <= 40).Select(a => new string(a));
        var optional = Gen.OneOf(Gen.Constant<string?>(null), identifier.Select(s => (string?)s));
        var gen = from purpose in optional
                  from reason in optional
                  from consent in optional
                  from record in optional
                  from version in optional
                  from type in Gen.Elements(Enum.GetValues<AuditEventType>())
                  select Sample(7) with
                  {
                      Purpose = purpose, Reason = reason, Consent = consent, Record = record, Type = type,
                      Evidence = new AuditEvidence(HolderVersion: version, StatedReason: version is null ? null : new string('d', 64)),
                  };

        Prop.ForAll(Arb.From(gen), entry =>
        {
            var bytes = entry.ToCanonicalBytes();
            Assert.Equal(Credentials.Jcs.JsonCanonicalizer.Canonicalize(bytes), bytes);
            Assert.True(AuditEntry.TryParse(bytes, out var parsed, out _));
            Assert.Equal(entry with { Evidence = entry.Evidence!.IsEmpty ? null : entry.Evidence }, parsed);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Canonical_bytes_parse_back_to_the_same_entry()
    {
        var entry = Sample(7) with { Reason = "Revoked", Type = AuditEventType.AccessDenied };

        Assert.True(AuditEntry.TryParse(entry.ToCanonicalBytes(), out var parsed, out var error), error.ToString());
        Assert.Equal(entry, parsed);
    }

    [Theory]
    [InlineData("{\"v\":1}", AuditEntryError.MissingOrMistyped)]
    [InlineData("[]", AuditEntryError.MalformedJson)]
    [InlineData("{", AuditEntryError.MalformedJson)]
    [InlineData("{\"actor\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"Coffee\",\"v\":1}", AuditEntryError.UnknownType)]
    [InlineData("{\"actor\":\"not a did\",\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"AccessGranted\",\"v\":1}", AuditEntryError.InvalidDid)]
    [InlineData("{\"actor\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"time\":\"2026-11-21T10:00:00Z\",\"type\":\"AccessGranted\",\"v\":1}", AuditEntryError.InvalidTime)]
    [InlineData("{\"actor\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"diagnosis\":\"x\",\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"AccessGranted\",\"v\":1}", AuditEntryError.UnknownMember)]
    [InlineData("{\"v\":1,\"actor\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"AccessGranted\"}", AuditEntryError.NotCanonical)]
    [InlineData("{\"actor\":\"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\",\"evidence\":{\"presentation\":\"ABC\"},\"id\":\"01937f6e-0000-7000-8000-000000000000\",\"time\":\"2026-11-21T10:00:00.000Z\",\"type\":\"AccessGranted\",\"v\":1}", AuditEntryError.InvalidHash)]
    public void Invalid_entries_are_refused_with_their_reason(string json, AuditEntryError expected)
    {
        Assert.False(AuditEntry.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Oversized_entry_is_refused_as_TooLong()
    {
        Assert.False(AuditEntry.TryParse(new byte[AuditEntry.MaxLength + 1], out _, out var error));
        Assert.Equal(AuditEntryError.TooLong, error);
    }

    [Fact]
    public void Writing_an_entry_with_an_invalid_member_names_the_member()
    {
        var entry = Sample() with { Purpose = "two words" };

        var e = Assert.Throws<ArgumentException>(() => entry.ToCanonicalBytes());
        Assert.Contains("'purpose'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_single_byte_change_to_an_entry_is_refused_or_parses_to_a_different_entry()
    {
        var bytes = Sample(3).ToCanonicalBytes();
        var gen = Gen.Choose(0, bytes.Length - 1).Zip(Gen.Choose(1, 255));

        Prop.ForAll(Arb.From(gen), c =>
        {
            var mutated = (byte[])bytes.Clone();
            mutated[c.Item1] ^= (byte)c.Item2;
            if (AuditEntry.TryParse(mutated, out var parsed, out _))
            {
                Assert.NotEqual(Sample(3), parsed);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true));
    }
}
