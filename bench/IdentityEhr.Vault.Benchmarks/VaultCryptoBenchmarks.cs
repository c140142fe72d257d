using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Vault.Benchmarks;

/// <summary>
/// Sealing a record version (fresh nonce, associated data, a key object per data key) against raw <see cref="AesGcm"/>: once
/// with a key object made per call (what one key per version costs anyway), once reused (the cipher's ceiling).
/// </summary>
[MemoryDiagnoser]
public class RecordCipherBenchmarks
{
    private byte[] _plaintext = null!;
    private byte[] _key = null!;
    private byte[] _output = null!;
    private byte[] _nonce = null!;
    private byte[] _tag = null!;
    private AesGcm _aes = null!;
    private RecordAddress _address = null!;

    [Params(4096, 1048576)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plaintext = RandomNumberGenerator.GetBytes(Size);
        _key = RecordCipher.NewDataKey();
        _output = new byte[Size];
        _nonce = new byte[RecordCipher.NonceSize];
        _tag = new byte[RecordCipher.TagSize];
        _aes = new AesGcm(_key, RecordCipher.TagSize);
        _address = new RecordAddress("01937f6e-0000-7000-8000-000000000001", "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "Observation", 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _aes.Dispose();

    [Benchmark(Baseline = true)]
    public void RawAesGcmReused() => _aes.Encrypt(_nonce, _plaintext, _output, _tag);

    [Benchmark]
    public void RawAesGcmNewKey()
    {
        using var aes = new AesGcm(_key, RecordCipher.TagSize);
        aes.Encrypt(_nonce, _plaintext, _output, _tag);
    }

    [Benchmark]
    public byte[] RecordCipherSeal() => RecordCipher.Seal(_key, _address, _plaintext);
}

/// <summary>
/// The key release's crypto (unwrap the custody-wrapped data key, make the JWE to an X25519 key) against its floor: the two
/// X25519 scalar multiplications ECDH-ES needs (an ephemeral key pair and the agreement).
/// </summary>
[MemoryDiagnoser]
public class KeyReleaseBenchmarks
{
    private CustodyKey _custody = null!;
    private PrivateKey _requester = null!;
    private RecordRecipient _recipient = null!;
    private StoredRecord _record = null!;
    private byte[] _wrapped = null!;

    [GlobalSetup]
    public void Setup()
    {
        _custody = CustodyKey.Generate();
        _requester = PrivateKey.Generate(KeyType.X25519);
        _recipient = new RecordRecipient(_requester.PublicKey, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6LS");
        _record = new StoredRecord(
            "01937f6e-0000-7000-8000-000000000001", 1, "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "Observation", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", 4124, Guid.Empty, 0, DateTimeOffset.UnixEpoch);
        _wrapped = _custody.Wrap(RecordCipher.NewDataKey(), _record.Address);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _custody.Dispose();
        _requester.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte[] TwoX25519Operations()
    {
        using var ephemeral = PrivateKey.Generate(KeyType.X25519);
        return ephemeral.AgreeWith(_requester.PublicKey);
    }

    [Benchmark]
    public RecordRelease UnwrapAndJwe()
    {
        _custody.TryUnwrap(_wrapped, _record.Address, out var key);
        var release = RecordRelease.Create(_record, ReadOnlyMemory<byte>.Empty, key, _recipient, Guid.Empty);
        CryptographicOperations.ZeroMemory(key);
        return release;
    }
}
