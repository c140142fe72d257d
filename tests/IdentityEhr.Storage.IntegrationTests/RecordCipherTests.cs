using System.Security.Cryptography;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>AES-256-GCM per record version: byte-identical round trips, and everything else fails closed.</summary>
public sealed class RecordCipherTests
{
    private const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";
    private static readonly RecordAddress s_address = new("urn:uuid:01937f6e-0000-7000-8000-000000000001", Patient, "Observation", 1);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public void A_sealed_record_opens_to_the_same_bytes(int size)
    {
        var key = RecordCipher.NewDataKey();
        var plaintext = RandomNumberGenerator.GetBytes(size);

        var sealedBytes = RecordCipher.Seal(key, s_address, plaintext);

        Assert.Equal(size + RecordCipher.Overhead, sealedBytes.Length);
        Assert.True(RecordCipher.TryOpen(key, s_address, sealedBytes, out var opened));
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void Sealing_twice_gives_different_bytes()
    {
        var key = RecordCipher.NewDataKey();

        Assert.NotEqual(RecordCipher.Seal(key, s_address, "{}"u8), RecordCipher.Seal(key, s_address, "{}"u8));
    }

    [Fact]
    public void Every_changed_byte_fails_to_open()
    {
        var key = RecordCipher.NewDataKey();
        var sealedBytes = RecordCipher.Seal(key, s_address, RandomNumberGenerator.GetBytes(64));
        for (var i = 0; i < sealedBytes.Length; i++)
        {
            var tampered = (byte[])sealedBytes.Clone();
            tampered[i] ^= 0x01;

            Assert.False(RecordCipher.TryOpen(key, s_address, tampered, out var opened), $"byte {i}");
            Assert.Empty(opened);
        }

        Assert.False(RecordCipher.TryOpen(key, s_address, sealedBytes.AsSpan(0, RecordCipher.Overhead - 1), out _));
        Assert.False(RecordCipher.TryOpen(key, s_address, sealedBytes.AsSpan(0, sealedBytes.Length - 1), out _));
    }

    [Theory]
    [InlineData("urn:uuid:01937f6e-0000-7000-8000-000000000002", Patient, "Observation", 1)]
    [InlineData("urn:uuid:01937f6e-0000-7000-8000-000000000001", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "Observation", 1)]
    [InlineData("urn:uuid:01937f6e-0000-7000-8000-000000000001", Patient, "Condition", 1)]
    [InlineData("urn:uuid:01937f6e-0000-7000-8000-000000000001", Patient, "Observation", 2)]
    public void A_ciphertext_moved_to_another_record_patient_type_or_version_fails_to_open(string record, string patient, string resourceType, int version)
    {
        var key = RecordCipher.NewDataKey();
        var sealedBytes = RecordCipher.Seal(key, s_address, "{\"resourceType\":\"Observation\"}"u8);

        Assert.False(RecordCipher.TryOpen(key, new RecordAddress(record, patient, resourceType, version), sealedBytes, out _));
    }

    [Fact]
    public void Another_key_fails_to_open()
    {
        var sealedBytes = RecordCipher.Seal(RecordCipher.NewDataKey(), s_address, "{}"u8);

        Assert.False(RecordCipher.TryOpen(RecordCipher.NewDataKey(), s_address, sealedBytes, out _));
    }

    [Fact]
    public void The_associated_data_tells_fields_apart_however_they_are_split()
    {
        // Length prefixes: "ab" + "c" and "a" + "bc" are different addresses.
        Assert.NotEqual(new RecordAddress("ab", "did:c", "Observation", 1).ToAssociatedData(), new RecordAddress("a", "bdid:c", "Observation", 1).ToAssociatedData());
        Assert.NotEqual(new RecordAddress("a", "did:xA", "B", 1).ToAssociatedData(), new RecordAddress("a", "did:x", "AB", 1).ToAssociatedData());
        Assert.NotEqual(new RecordAddress("a", "did:x", "Observation", 1).ToAssociatedData(), new RecordAddress("a", "did:x", "Observation", 256).ToAssociatedData());
    }

    [Theory]
    [InlineData("", Patient, "Observation", 1)]
    [InlineData("has space", Patient, "Observation", 1)]
    [InlineData("urn:x", "", "Observation", 1)]
    [InlineData("urn:x", "did:ké", "Observation", 1)]
    [InlineData("urn:x", Patient, "", 1)]
    [InlineData("urn:x", Patient, "Obs/x", 1)]
    [InlineData("urn:x", Patient, "Observation", 0)]
    public void An_invalid_address_is_refused(string record, string patient, string resourceType, int version)
    {
        var key = RecordCipher.NewDataKey();

        Assert.ThrowsAny<ArgumentException>(() => RecordCipher.Seal(key, new RecordAddress(record, patient, resourceType, version), "{}"u8));
    }

    [Fact]
    public void A_key_that_is_not_32_bytes_is_refused() =>
        Assert.Throws<ArgumentException>(() => RecordCipher.Seal(new byte[16], s_address, "{}"u8));
}
