namespace IdentityEhr.Identity.Keys;

/// <summary>The fixed facts of each key type: sizes, multicodec codes and JOSE names.</summary>
/// <remarks>Multicodec table (multiformats/multicodec): ed25519-pub 0xed, x25519-pub 0xec, secp256k1-pub 0xe7, p256-pub 0x1200,
/// p384-pub 0x1201, p521-pub 0x1202; the private codes are ed25519-priv 0x1300, secp256k1-priv 0x1301, x25519-priv 0x1302,
/// p256-priv 0x1306, p384-priv 0x1307, p521-priv 0x1308. EC public keys are SEC 1 compressed points.</remarks>
internal sealed record KeyTypeInfo(
    KeyType Type,
    ulong PublicCodec,
    ulong PrivateCodec,
    int PublicKeySize,
    int PrivateKeySize,
    string JwkKty,
    string JwkCrv,
    string? JwsAlgorithm,
    int CoordinateSize)
{
    public static readonly KeyTypeInfo Ed25519 = new(KeyType.Ed25519, 0xed, 0x1300, 32, 32, "OKP", "Ed25519", "EdDSA", 32);
    public static readonly KeyTypeInfo X25519 = new(KeyType.X25519, 0xec, 0x1302, 32, 32, "OKP", "X25519", null, 32);
    public static readonly KeyTypeInfo Secp256k1 = new(KeyType.Secp256k1, 0xe7, 0x1301, 33, 32, "EC", "secp256k1", "ES256K", 32);
    public static readonly KeyTypeInfo P256 = new(KeyType.P256, 0x1200, 0x1306, 33, 32, "EC", "P-256", "ES256", 32);
    public static readonly KeyTypeInfo P384 = new(KeyType.P384, 0x1201, 0x1307, 49, 48, "EC", "P-384", "ES384", 48);
    public static readonly KeyTypeInfo P521 = new(KeyType.P521, 0x1202, 0x1308, 67, 66, "EC", "P-521", "ES512", 66);

    public static IReadOnlyList<KeyTypeInfo> All { get; } = [Ed25519, X25519, Secp256k1, P256, P384, P521];

    public bool IsEllipticCurve => JwkKty == "EC";

    public bool CanSign => Type != KeyType.X25519;

    public static KeyTypeInfo Of(KeyType type) => type switch
    {
        KeyType.Ed25519 => Ed25519,
        KeyType.X25519 => X25519,
        KeyType.Secp256k1 => Secp256k1,
        KeyType.P256 => P256,
        KeyType.P384 => P384,
        KeyType.P521 => P521,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type."),
    };

    public static KeyTypeInfo? ByPublicCodec(ulong codec) => All.FirstOrDefault(i => i.PublicCodec == codec);

    public static KeyTypeInfo? ByPrivateCodec(ulong codec) => All.FirstOrDefault(i => i.PrivateCodec == codec);

    public static KeyTypeInfo? ByJwk(string kty, string crv) => All.FirstOrDefault(i => i.JwkKty == kty && i.JwkCrv == crv);
}
