using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Multiformats;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>The release document's reader: edits never throw, and no edited document opens to other bytes than the record's.</summary>
public sealed class RecordReleaseDocumentTests
{
    private const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
    private static readonly byte[] s_record = Encoding.UTF8.GetBytes("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"synthetic\"}}");

    [Fact]
    public void ToUtf8Json_writes_the_same_bytes_as_ToJson()
    {
        using var requester = PrivateKey.Generate(KeyType.X25519);
        var recordId = Guid.CreateVersion7().ToString();
        var dataKey = RecordCipher.NewDataKey();
        var ciphertext = RecordCipher.Seal(dataKey, new RecordAddress(recordId, Patient, "Observation", 2), s_record);
        var stored = new StoredRecord(recordId, 2, Patient, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "Observation",
            ContentId.Of(ciphertext).Text, ciphertext.Length, Guid.CreateVersion7(), 7, DateTimeOffset.Parse("2026-11-21T10:00:00.5Z", System.Globalization.CultureInfo.InvariantCulture));
        var release = RecordRelease.Create(stored, ciphertext, dataKey, new RecordRecipient(requester.PublicKey, "did:example:r#ka"), Guid.CreateVersion7());

        var utf8 = release.ToUtf8Json();

        Assert.Equal(Encoding.UTF8.GetBytes(release.ToJson().ToJsonString()), utf8);
    }

    [Fact]
    public void A_document_round_trips_and_no_character_edit_opens_to_other_bytes()
    {
        using var requester = PrivateKey.Generate(KeyType.X25519);
        var recordId = Guid.CreateVersion7().ToString();
        var dataKey = RecordCipher.NewDataKey();
        var ciphertext = RecordCipher.Seal(dataKey, new RecordAddress(recordId, Patient, "Observation", 3), s_record);
        var stored = new StoredRecord(recordId, 3, Patient, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "Observation",
            ContentId.Of(ciphertext).Text, ciphertext.Length, Guid.CreateVersion7(), 42, DateTimeOffset.Parse("2026-11-21T10:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture));
        var release = RecordRelease.Create(stored, ciphertext, dataKey, new RecordRecipient(requester.PublicKey, "did:example:r#ka"), Guid.CreateVersion7());
        var text = release.ToJson().ToJsonString();

        Assert.True(RecordRelease.TryParse(Encoding.UTF8.GetBytes(text), out var parsed, out var error), error);
        Assert.Equal(stored, parsed.Record);
        Assert.Equal(RecordOpenError.None, parsed.TryOpen(requester, out var plaintext));
        Assert.Equal(s_record, plaintext);

        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:\"{}[],1 ";
        Prop.ForAll(Arb.From(Gen.Choose(0, text.Length - 1)), Arb.From(Gen.Elements(Alphabet.ToCharArray())), (index, c) =>
        {
            var edited = text[..index] + c + text[(index + 1)..];
            if (!RecordRelease.TryParse(Encoding.UTF8.GetBytes(edited), out var candidate, out _))
            {
                return true;
            }

            // Metadata the cipher does not bind (author, type, times, positions) may change; the bytes it opens to may not.
            return candidate.TryOpen(requester, out var opened) != RecordOpenError.None || opened.AsSpan().SequenceEqual(s_record);
        }).QuickCheckThrowOnFailure();
    }
}
