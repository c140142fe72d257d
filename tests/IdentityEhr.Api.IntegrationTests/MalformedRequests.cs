using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jose;
using IdentityEhr.Credentials.Status;
using IdentityEhr.Identity.Keys;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>
/// Generates malformed requests for any operation of the OpenAPI document, deterministically from a seed and an index: hostile
/// path and query values, malformed and oversized bodies of every kind (JSON, JWS, DID, FHIR, status list, access request),
/// wrong content types and broken or misbound request proofs. Nothing here is specific to one endpoint except the pool of
/// real values by parameter name, which lets some requests get past the first checks to the parsers behind them.
/// </summary>
/// <remarks>
/// No request it makes may change anything, by construction, so any change the run sees is the service's: valid proofs are
/// signed only by the provider (who is not the patient, so cannot erase or publish the patient's list) or a stranger, both
/// registered beforehand as patient and provider (so their self-registrations change nothing); a body
/// the FHIR validator would accept is broken before it is sent (so no record is stored); status lists are never signed (so
/// none is published); and presentations never authenticate a holder (so no access is decided, granted or denied).
/// </remarks>
internal sealed class MalformedRequests
{
    /// <summary>Kestrel's default request line limit; a target longer than this is refused by Kestrel itself.</summary>
    public const int MaxRequestLine = 8 * 1024;

    /// <summary>Kestrel's default <c>MaxRequestBodySize</c>.</summary>
    public const int KestrelMaxBody = 30_000_000;

    // Query names the service reads from the request itself (minimal APIs do not put them in the document).
    private static readonly string[] s_queryNames =
        ["patient", "version", "index", "size", "old", "new", "limit", "publicKeyFormat", "enableEncryptionKeyDerivation", "versionId", "versionTime", "did", "id", "purpose"];

    private static readonly string[] s_hostile =
    [
        "", ".", "..", "../..", "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e", "%252e%252e%252f", "%00", "a%00b", "%", "%z", "%zz",
        "%ff%fe", "%C0%AE%C0%AE", "%ED%A0%80", "%E2%80%AE", "%EF%BF%BF", "%F4%90%80%80",
        "did:key:z", "did:key:", "did:ethr:0xZZ", "did:ethr:0x", "did:ethr:dev:0x12", "did:ethr:0x0000000000000000000000000000000000000000",
        "did:ethr:0x1:0xAbC0000000000000000000000000000000000000", "did:ethr:unknown-net:0x0000000000000000000000000000000000000001", "did:", "did", "did::",
        "DID:KEY:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doX",
        "did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc", "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK?versionId=1",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK/path", "did:key:0OIl", "did:web:example.com", "did:example:123", "did:key:z6Mk%00",
        "did:%20:x", "did:a:" + new string('b', 600),
        "\u00fc\u00df\u00e9", "\U0001D54F\U0001D550", "\u202Egnp.exe", "\u200B", "e\u0301", "\uFEFF", "\u0000", "\u001F", "\u007F", "\uFFFD",
        "-1", "0", "1", "2147483648", "99999999999999999999", "1e309", "NaN", "0x10", "+1", "01", " 1",
        "00000000-0000-0000-0000-000000000000", "{00000000-0000-0000-0000-000000000000}", "0193A7C2-0000-7000-8000-000000000000",
        "' OR '1'='1", "\"; DROP TABLE events; --", "%s%s%n", "{0}", "${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>", "\\..\\..", "//", "/", "?", "#",
        "&", ";", "=", " ", "\t", "\r\n", "0/000", "0/x001/234", "entries/000", "0/000.p/0", "0/000.p/256", "entries/x999/999.p/1", "63/000", "64/000",
        "0/" + string.Concat(Enumerable.Repeat("x999/", 8)) + "999",
    ];

    private static readonly string[] s_contentTypes =
    [
        "application/json", "application/fhir+json", "application/fhir+json; charset=utf-8", "application/fhir+json; fhirVersion=4.0", "application/json; charset=utf-16",
        "application/json; charset=ebcdic", "application/fhir+xml", "application/xml", "text/plain", "text/html", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=fuzz", "application/octet-stream", "application/vc", "application/vp+jwt", "application/jose", "garbage", "application/",
        "/json", "application/json;;;", "application/json; charset=\"", "*/*", "",
    ];

    private static readonly string[] s_accepts =
    [
        "application/did", "application/did-resolution", "application/did-resolution;profile=\"https://w3id.org/did-resolution\"", "application/ld+json;q=0",
        "text/html", "image/png", "*/*;q=junk", "application/json;q=2", ";;;", "application/problem+json", "*/*", "text/*",
    ];

    private static readonly JsonSerializerOptions s_deep = new() { MaxDepth = 1024 };

    private readonly int _seed;
    private readonly IReadOnlyList<FuzzOperation> _operations;
    private readonly IReadOnlyDictionary<string, string[]> _realValues;
    private readonly IReadOnlyList<byte[]> _fhir;
    private readonly PrivateKey _provider;
    private readonly PrivateKey _stranger;
    private readonly Uri _baseAddress;
    private readonly Func<byte[], bool> _isValidFhir;

    /// <param name="seed">The run's seed.</param>
    /// <param name="operations">The operations to cover, taken in turn.</param>
    /// <param name="realValues">Real values by parameter name (path or query), such as a stored record's id for <c>recordId</c>.</param>
    /// <param name="fhir">Valid FHIR resources to break.</param>
    /// <param name="provider">The provider's key: signs proofs that get past authentication but own nothing the patient could lose.</param>
    /// <param name="stranger">A key that owns nothing.</param>
    /// <param name="baseAddress">The service's address.</param>
    /// <param name="isValidFhir">The service's FHIR validator: a body it would accept is never sent, so no request can store a record.</param>
    public MalformedRequests(
        int seed, IReadOnlyList<FuzzOperation> operations, IReadOnlyDictionary<string, string[]> realValues, IReadOnlyList<byte[]> fhir, PrivateKey provider,
        PrivateKey stranger, Uri baseAddress, Func<byte[], bool> isValidFhir)
    {
        _seed = seed;
        _operations = operations;
        _realValues = realValues;
        _fhir = fhir;
        _provider = provider;
        _stranger = stranger;
        _baseAddress = baseAddress;
        _isValidFhir = isValidFhir;
    }

    /// <summary>A shared buffer of filler bytes for huge bodies (they are never changed).</summary>
    public static byte[] Filler { get; } = Enumerable.Repeat((byte)'{', (40 * 1024 * 1024) + 1024).ToArray();

    /// <summary>Makes request <paramref name="index"/>: operations in turn, everything else from the seed and the index.</summary>
    public FuzzRequest Create(int index)
    {
        var random = new Random(unchecked((_seed * 1_000_003) + index));
        var operation = _operations[index % _operations.Count];
        var notes = new List<string>();

        var target = Target(random, operation, notes);
        var headers = new List<KeyValuePair<string, string>>();
        if (random.Next(4) == 0)
        {
            headers.Add(new("Accept", Pick(random, s_accepts)));
            notes.Add("Accept " + headers[^1].Value);
        }

        // Kestrel refuses a request line past its limit (the method and version count too) and a path with an encoded NUL.
        var path = target.Split('?')[0];
        var kestrelRefuses = target.Length > MaxRequestLine - 32 || path.Contains("%00", StringComparison.Ordinal);
        if (random.Next(200) == 0)
        {
            // Headers past Kestrel's 32 KiB total: Kestrel answers 431 itself.
            headers.Add(new("X-Fuzz", new string('h', 33 * 1024)));
            kestrelRefuses = true;
            notes.Add("headers over 32 KiB");
        }
        else if (random.Next(40) == 0)
        {
            headers.Add(new("X-Fuzz", new string('h', random.Next(1, 8 * 1024))));
        }

        var (body, huge, contentType, bodyNote) = Body(random, operation);
        notes.Add(bodyNote);
        var chunked = (huge > 0 || body is { Length: > 0 }) && huge <= KestrelMaxBody && random.Next(6) == 0;
        if (chunked)
        {
            notes.Add("chunked");
        }

        // Chunked framing that breaks partway, which only a plain socket sends: the service reads it as Kestrel fails.
        var framing = operation.TakesBody && body is { Length: >= 2 } && random.Next(100) < 6 ? Pick(random, RawHttp.Framings) : null;
        if (framing is not null)
        {
            notes.Add(framing);
        }

        // Past Kestrel's own body limit Kestrel drops the connection once the application has answered, so such a body goes as
        // a client should send it: with its length and Expect: 100-continue, and the answer comes first. So does a body to a
        // request line Kestrel refuses, which would only meet a closed connection.
        if (framing is null && (huge > KestrelMaxBody || (huge > 0 && random.Next(2) == 0) || (kestrelRefuses && (huge > 0 || body is not null))))
        {
            headers.Add(new("Expect", "100-continue"));
            notes.Add("Expect: 100-continue");
        }

        var (auth, authorization) = huge > 0 ? (random.Next(2) == 0 ? FuzzAuth.None : FuzzAuth.Literal, "DID x.y.z") : Auth(random, notes);

        // A safety net, not a filter of interest: a body the service would take as valid FHIR, sent with a valid proof to a
        // record endpoint, would store a record. Breaking it keeps the run free of state changes by construction.
        if (body is { Length: > 0 and < 1024 * 1024 } && _isValidFhir(body))
        {
            body = [.. body, (byte)'}'];
        }

        return new FuzzRequest(index, operation, target, headers, contentType, body, huge, chunked, framing, auth, authorization, kestrelRefuses, string.Join(", ", notes));
    }

    /// <summary>The <c>Authorization</c> header for a request about to be sent, or <see langword="null"/> for none.</summary>
    public string? Authorization(FuzzRequest request, Uri url, byte[] body, DateTimeOffset now)
    {
        string Proof(PrivateKey key, string? method = null, Uri? at = null, byte[]? signedBody = null, DateTimeOffset? issued = null) =>
            "DID " + RequestProof.Create(key, ProtectedServiceFixture.KeyId(key), method ?? request.Method, at ?? url, signedBody ?? body, issued ?? now);

        switch (request.Auth)
        {
            case FuzzAuth.None:
                return null;
            case FuzzAuth.Literal:
                return request.Authorization;
            case FuzzAuth.Provider or FuzzAuth.Replayed:
                return Proof(_provider);
            case FuzzAuth.Stranger:
                return Proof(_stranger);
            case FuzzAuth.OtherUrl:
                return Proof(_provider, at: new Uri(_baseAddress, request.Index % 2 == 0 ? "/records?patient=" + DidKey.Create(_stranger.PublicKey) : "/status-lists/other"));
            case FuzzAuth.OtherMethod:
                return Proof(_provider, method: request.Method == "POST" ? "PUT" : "POST");
            case FuzzAuth.OtherBody:
                return Proof(_provider, signedBody: [.. body, (byte)' ']);
            case FuzzAuth.Expired:
                return Proof(_provider, issued: now.AddMinutes(-10));
            case FuzzAuth.NotYetValid:
                return Proof(_provider, issued: now.AddMinutes(10));
            case FuzzAuth.Forged:
            {
                var claims = Claims(DidKey.Create(_provider.PublicKey).ToString(), request.Method, url, body, now);
                return "DID " + CompactJws.Sign(claims, _stranger, ProtectedServiceFixture.KeyId(_provider), RequestProof.MediaType);
            }

            case FuzzAuth.KeyNotInDocument:
            {
                var claims = Claims(DidKey.Create(_provider.PublicKey).ToString(), request.Method, url, body, now);
                return "DID " + CompactJws.Sign(claims, _stranger, $"{DidKey.Create(_provider.PublicKey)}#{_stranger.PublicKey.ExportMultikey()}", RequestProof.MediaType);
            }

            default:
            {
                // Change one character in the middle of the signature (the last one may only carry unused bits).
                var proof = RequestProof.Create(_provider, ProtectedServiceFixture.KeyId(_provider), request.Method, url, body, now);
                var at = proof.LastIndexOf('.') + 1 + ((proof.Length - proof.LastIndexOf('.')) / 2);
                return "DID " + proof[..at] + (proof[at] == 'A' ? 'B' : 'A') + proof[(at + 1)..];
            }
        }
    }

    private static byte[] Claims(string issuer, string method, Uri url, ReadOnlySpan<byte> body, DateTimeOffset now) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["iss"] = issuer,
        ["htm"] = method,
        ["htu"] = RequestProof.Target(url),
        ["htb"] = RequestProof.BodyHash(body),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString("N"),
    });

    private string Target(Random random, FuzzOperation operation, List<string> notes)
    {
        var path = operation.Template;
        foreach (var name in operation.PathParameters)
        {
            string value;
            if (random.Next(10) < 3 && _realValues.TryGetValue(name, out var real))
            {
                value = Escape(random, Pick(random, real), plain: true);
                notes.Add($"{name} real");
            }
            else
            {
                var hostile = Hostile(random);
                value = Escape(random, hostile, plain: false);
                notes.Add($"{name} hostile({Shorten(hostile)})");
            }

            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return path + Query(random, operation, notes);
    }

    private string Query(Random random, FuzzOperation operation, List<string> notes)
    {
        switch (random.Next(10))
        {
            case < 3:
                return "";
            case 3:
            {
                // Real values only, so the request gets past its query to what is malformed elsewhere.
                var names = operation.QueryParameters.Concat(s_queryNames).Where(_realValues.ContainsKey).Distinct().ToArray();
                var parts = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(random, names)).Distinct()
                    .Select(name => name + "=" + Uri.EscapeDataString(Pick(random, _realValues[name])));
                notes.Add("real query");
                return "?" + string.Join('&', parts);
            }

            case 4:
                notes.Add("raw query junk");
                return Pick(random, ["?", "?&&=&", "?=", "?%", "?a[]=1&a[b]=2", "?patient", "?patient=&patient=", "?" + new string('&', 500), "?;;;", "?%00=%00", "??"]);
            case 5:
                notes.Add("long query");
                return "?" + string.Join('&', Enumerable.Range(0, random.Next(50, 400)).Select(i => $"p{i}={new string('v', random.Next(1, 20))}"));
            default:
            {
                var names = operation.QueryParameters.Concat(s_queryNames).Distinct().ToArray();
                var parts = new List<string>();
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    var name = random.Next(8) == 0 ? Hostile(random) : Pick(random, names);
                    var value = random.Next(3) == 0 && _realValues.TryGetValue(name, out var real) ? Pick(random, real) : Hostile(random);
                    parts.Add(Escape(random, name, plain: false) + "=" + Escape(random, value, plain: random.Next(2) == 0));
                }

                notes.Add("query " + Shorten(string.Join('&', parts)));
                return "?" + string.Join('&', parts);
            }
        }
    }

    private static string Hostile(Random random) => random.Next(12) switch
    {
        0 => new string('a', random.Next(256, 6000)),
        1 => "did:key:z" + new string(Enumerable.Range(0, random.Next(40, 3000)).Select(_ => "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[random.Next(58)]).ToArray()),
        2 => new string(Enumerable.Range(0, random.Next(1, 64)).Select(_ => (char)random.Next(0x20, 0x7F)).ToArray()),
        3 => string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => char.ConvertFromUtf32(random.Next(0xA0, 0x2FFFF) is var c and (< 0xD800 or > 0xDFFF) ? c : 0xFFFD))),
        _ => Pick(random, s_hostile),
    };

    /// <summary>Puts a value into a URL: fully escaped, with URL-legal characters raw (so '/', '..' and '%zz' reach the router), or escaped twice.</summary>
    private static string Escape(Random random, string value, bool plain)
    {
        if (plain)
        {
            return Uri.EscapeDataString(value);
        }

        return random.Next(4) switch
        {
            0 => Uri.EscapeDataString(value),
            1 => Uri.EscapeDataString(Uri.EscapeDataString(value)),
            _ => string.Concat(value.EnumerateRunes().Select(r => r.IsAscii && (char.IsAsciiLetterOrDigit((char)r.Value) || "-._~!$&'()*+,;=:@/%".Contains((char)r.Value))
                ? r.ToString()
                : Uri.EscapeDataString(r.ToString()))),
        };
    }

    private (byte[]? Body, int Huge, string? ContentType, string Note) Body(Random random, FuzzOperation operation)
    {
        // Operations without a body by convention get one only sometimes: a body where none is expected is hostile too.
        if (!operation.TakesBody && random.Next(4) != 0)
        {
            return (null, 0, null, "no body");
        }

        // Bodies past each limit of the service (access requests, records, status lists), and past Kestrel's own (and past half
        // the record body budget) for those that take a body: 3 % of their requests, 0.5 % of the others'.
        if (random.Next(1000) < (operation.TakesBody ? 30 : 5))
        {
            int[] sizes = operation.TakesBody
                ? [Access.AccessEndpoints.MaxBodyBytes + 1, RecordVault.MaxRecordBytes + 1, Consents.StatusListEndpoints.MaxCredentialBytes + 1, 40 * 1024 * 1024]
                : [Access.AccessEndpoints.MaxBodyBytes + 1, RecordVault.MaxRecordBytes + 1];
            var size = sizes[random.Next(sizes.Length)] + random.Next(0, 1024);
            return (null, size, ContentType(random, "application/fhir+json"), $"huge body of {size} bytes");
        }

        var roll = random.Next(1000);

        var (body, kind) = roll switch
        {
            < 70 => ((byte[]?)null, "empty body"),
            < 190 => (MalformedJson(random), "malformed JSON"),
            < 280 => (Truncated(random, Sample(random)), "truncated JSON"),
            < 330 => (Deep(random), "deeply nested JSON"),
            < 400 => (Bytes(random), "random bytes"),
            < 510 => (WrongShape(random), "JSON of the wrong shape"),
            < 600 => (Jws(random), "malformed JWS"),
            < 760 => (InvalidFhir(random), "invalid FHIR"),
            < 820 => (StatusList(random), "broken status list"),
            < 920 => (AccessRequest(random), "broken access request"),
            < 960 => (Encoding.UTF8.GetBytes(Pick(random, ["a=1&b=2", "<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/></Observation>", "--fuzz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--fuzz--\r\n", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b SYSTEM \"file:///etc/passwd\">]><a>&b;</a>"])), "form, XML or multipart"),
            _ => (Encoding.UTF8.GetBytes(Pick(random, s_hostile)), "a hostile string as the body"),
        };
        return (body, 0, ContentType(random, kind == "invalid FHIR" ? "application/fhir+json" : "application/json"), kind);
    }

    private static string? ContentType(Random random, string likely) => random.Next(10) switch
    {
        < 6 => likely,
        6 => null,
        _ => Pick(random, s_contentTypes),
    };

    private byte[] Sample(Random random) => random.Next(3) switch
    {
        0 => _fhir[random.Next(_fhir.Count)],
        1 => StatusList(random),
        _ => AccessRequest(random),
    };

    private byte[] MalformedJson(Random random)
    {
        if (random.Next(3) == 0)
        {
            return Encoding.UTF8.GetBytes(Pick(random,
            [
                "{", "}", "[", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1,2,]", "{\"a\":1,}", "nul", "tru", "-", "01", "1e", "\"\\u12\"", "\"\\uD800\"", "\"\\x41\"",
                "{\"a\":NaN}", "{\"a\":Infinity}", "/* c */ {}", "{} {}", "{\"a\":\"\n\"}", "\uFEFF{}", "{\"resourceType\":\"Observation\"", "[\"", "\"", "{\"\\", "\u0000",
            ]));
        }

        // Edits of a valid sample: a deleted or inserted character somewhere, often leaving it invalid, or an escape that is no
        // character (a lone surrogate) at the start of a string, which parses but has no string value.
        var sample = Sample(random).ToList();
        for (var edits = random.Next(1, 4); edits > 0 && sample.Count > 1; edits--)
        {
            var at = random.Next(sample.Count);
            switch (random.Next(4))
            {
                case 3:
                    var quote = sample.IndexOf((byte)'"', at);
                    sample.InsertRange(quote < 0 ? at : quote + 1, Pick(random, ["\\uD800", "\\uDFFF", "\\uD800\\u0041", "\\u0000"]).Select(c => (byte)c));
                    break;
                case 0:
                    sample.RemoveAt(at);
                    break;
                case 1:
                    sample.Insert(at, (byte)"{}[]\",:\\"[random.Next(8)]);
                    break;
                default:
                    sample.Insert(at, (byte)random.Next(0x80, 0x100));
                    break;
            }
        }

        return [.. sample];
    }

    private static byte[] Truncated(Random random, byte[] json) => json.Length < 2 ? "{"u8.ToArray() : json[..random.Next(1, json.Length)];

    private static byte[] Deep(Random random)
    {
        var depth = random.Next(2) == 0 ? 10_000 : random.Next(65, 2_000);
        var (open, close) = random.Next(3) switch
        {
            0 => ("[", "]"),
            1 => ("{\"a\":", "}"),
            _ => ("{\"contained\":[", "]}"),
        };
        var inner = new StringBuilder();
        inner.Insert(0, open, depth).Append('1');
        if (random.Next(4) != 0)
        {
            inner.Insert(inner.Length, close, depth);
        }

        var text = inner.ToString();
        return Encoding.UTF8.GetBytes(random.Next(3) switch
        {
            0 => text,
            1 => "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"extension\":" + text + "}",
            _ => "{\"presentation\":" + text + ",\"purpose\":\"TREAT\"}",
        });
    }

    private static byte[] Bytes(Random random)
    {
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        return random.Next(4) switch
        {
            0 => [0xEF, 0xBB, 0xBF, .. bytes],
            1 => [0xFF, 0xFE, .. bytes],
            _ => bytes,
        };
    }

    private static byte[] WrongShape(Random random) => Encoding.UTF8.GetBytes(random.Next(14) switch
    {
        0 => "[]",
        1 => "42",
        2 => "\"Observation\"",
        3 => "null",
        4 => "true",
        5 => "{\"resourceType\":5}",
        6 => "{\"resourceType\":[\"Observation\"]}",
        7 => "{" + string.Join(',', Enumerable.Range(0, random.Next(100, 5000)).Select(i => $"\"k{i}\":{i}")) + "}",
        8 => "{\"a\":1,\"a\":2,\"resourceType\":\"Observation\",\"resourceType\":\"Patient\"}",
        9 => "{\"n\":1e400,\"m\":-1e400,\"i\":123456789012345678901234567890}",
        10 => "{\"s\":\"" + new string('s', random.Next(1000, 200_000)) + "\"}",
        11 => "[" + string.Join(',', Enumerable.Range(0, random.Next(1000, 50_000)).Select(i => "{}")) + "]",
        12 => "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":\"VerifiablePresentation\",\"holder\":\"did:key:z\"}",
        _ => "{\"presentation\":{\"type\":[\"VerifiablePresentation\"],\"verifiableCredential\":[{\"id\":5},null,[]]},\"purpose\":\"TREAT\",\"version\":1}",
    });

    private byte[] Jws(Random random)
    {
        var jws = JwsText(random);
        return Encoding.UTF8.GetBytes(random.Next(2) == 0 ? jws : JsonSerializer.Serialize(new { presentation = jws, purpose = "TREAT" }));
    }

    private string JwsText(Random random)
    {
        static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        var payload = B64("{\"iss\":\"did:key:z\",\"vp\":{},\"nonce\":\"x\",\"aud\":\"identityehr.localhost\"}");
        return random.Next(12) switch
        {
            0 => "a.b",
            1 => "a.b.c.d",
            2 => "..",
            3 => "...",
            4 => B64("{\"alg\":\"none\",\"typ\":\"vp+jwt\"}") + "." + payload + ".",
            5 => B64("{\"alg\":\"EdDSA\",\"typ\":\"vp+jwt\",\"x\":\"" + new string('h', random.Next(16_000, 100_000)) + "\"}") + "." + payload + ".AA",
            6 => "eyJ@@@." + payload + ".%%%",
            7 => B64("{") + "." + B64("[]") + "." + B64("x"),
            8 => B64("{\"alg\":\"EdDSA\",\"kid\":\"did:key:z#z\"}") + "." + B64("null") + "." + new string('A', 86),
            9 => CompactJws.Sign(Encoding.UTF8.GetBytes(Pick(random, ["[]", "{\"iat\":\"x\"}", "{\"htm\":5}", "{}", "{\"vp\":[],\"iss\":5}"])), _stranger, ProtectedServiceFixture.KeyId(_stranger), Pick(random, ["vp+jwt", RequestProof.MediaType, "JWT"])),
            10 => string.Join('.', Enumerable.Range(0, random.Next(1, 6)).Select(_ => new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => (char)random.Next(0x21, 0x7F)).ToArray()))),
            _ => B64("{\"alg\":\"ES256K\",\"typ\":\"vp+jwt\",\"kid\":\"" + ProtectedServiceFixture.KeyId(_provider) + "\"}") + "." + payload + "." + B64(new string('s', 64)),
        };
    }

    private byte[] InvalidFhir(Random random)
    {
        var node = JsonNode.Parse(_fhir[random.Next(_fhir.Count)])!.AsObject();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var names = node.Select(p => p.Key).ToArray();
            var name = names.Length > 0 ? names[random.Next(names.Length)] : "status";
            switch (random.Next(12))
            {
                case 0:
                    node.Remove("resourceType");
                    break;
                case 1:
                    node["resourceType"] = Pick(random, ["Observatio", "", "observation", "Observation\u0000", "../Patient", "Bundle ", "DomainResource", "Resource"]);
                    break;
                case 2:
                    node[name] = Pick<JsonNode?>(random, [5, "x", new JsonArray(1, 2), new JsonObject { ["a"] = 1 }, null, true, -0.5]);
                    break;
                case 3:
                    node["fuzz" + random.Next(100)] = "unknown";
                    break;
                case 4:
                    node["id"] = Pick(random, [new string('i', 65), "has space", "", "..", "\u00e9"]);
                    break;
                case 5:
                    node["effectiveDateTime"] = Pick(random, ["2013-02-30T25:61:00Z", "yesterday", "2013-13", "", "99999-01-01"]);
                    break;
                case 6:
                    var contained = new JsonObject { ["resourceType"] = "Basic", ["code"] = new JsonObject { ["text"] = 5 } };
                    for (var i = random.Next(2, 200); i > 0; i--)
                    {
                        contained = new JsonObject { ["resourceType"] = "Basic", ["contained"] = new JsonArray(contained) };
                    }

                    node["contained"] = new JsonArray(contained);
                    break;
                case 7:
                    node["category"] = new JsonArray([.. Enumerable.Range(0, random.Next(1000, 10_000)).Select(i => (JsonNode?)new JsonObject { ["text"] = i })]);
                    break;
                case 8:
                    node["extension"] = new JsonArray(new JsonObject { ["url"] = 5 }, "x", null);
                    break;
                case 9:
                    node["text"] = new JsonObject { ["status"] = "generated", ["div"] = "<script>alert(1)</script>" };
                    break;
                case 10:
                    node[name] = new string('x', random.Next(1000, 300_000));
                    break;
                default:
                    node["meta"] = new JsonObject { ["versionId"] = new JsonArray(), ["lastUpdated"] = "not a date", ["profile"] = new JsonArray(5) };
                    break;
            }
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(node, s_deep);
        return _isValidFhir(bytes) ? [.. bytes[..^1], .. "\"statusX\":1}"u8] : bytes;
    }

    private byte[] StatusList(Random random)
    {
        var url = new Uri(_baseAddress, "/status-lists/" + Pick(random, _realValues.TryGetValue("id", out var ids) ? ids : ["fuzz"])).ToString();
        var credential = BitstringStatusList.CreateCredential(
            url, DidKey.Create(_stranger.PublicKey).ToString(), BitstringStatusListEntry.Revocation, Bitstring.Create(), DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5));

        // Never signed: whatever else holds, the proof does not, so no list can be published by this run.
        switch (random.Next(8))
        {
            case 0:
                credential["credentialSubject"]!["encodedList"] = Pick(random, ["", "u", "uH4sI", "not base64 !!", "u" + new string('A', random.Next(10, 100_000))]);
                break;
            case 1:
                credential["credentialSubject"]!["statusPurpose"] = Pick<JsonNode?>(random, ["suspension", "", 5, null, new JsonArray()]);
                break;
            case 2:
                credential["type"] = Pick<JsonNode?>(random, ["VerifiableCredential", new JsonArray(), new JsonArray("BitstringStatusListCredential"), 5]);
                break;
            case 3:
                credential["issuer"] = Pick<JsonNode?>(random, ["did:key:z", new JsonObject { ["id"] = 5 }, "", null]);
                break;
            case 4:
                credential["validFrom"] = "not a date";
                break;
            case 5:
                credential["proof"] = new JsonObject { ["type"] = "DataIntegrityProof", ["cryptosuite"] = "eddsa-jcs-2022", ["proofValue"] = "z" + new string('1', 88) };
                break;
            case 6:
                credential["id"] = Pick(random, ["http://elsewhere.example/x", "", "status-lists/../x"]);
                break;
            default:
                credential.Remove(Pick(random, ["@context", "credentialSubject", "type", "id"]));
                break;
        }

        return JsonSerializer.SerializeToUtf8Bytes(credential);
    }

    private byte[] AccessRequest(Random random)
    {
        var request = new JsonObject();
        if (random.Next(8) != 0)
        {
            request["presentation"] = random.Next(5) switch
            {
                0 => JwsText(random),
                1 => new JsonObject(),
                2 => new JsonObject
                {
                    ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
                    ["type"] = new JsonArray("VerifiablePresentation"),
                    ["holder"] = Pick(random, s_hostile),
                    ["verifiableCredential"] = new JsonArray(new JsonObject { ["type"] = "EnvelopedVerifiableCredential", ["id"] = "data:application/vc+jwt," + JwsText(random) }),
                    ["proof"] = new JsonObject { ["type"] = "DataIntegrityProof", ["challenge"] = "x", ["domain"] = "identityehr.localhost", ["proofValue"] = "zzz" },
                },
                3 => Pick<JsonNode?>(random, [5, null, true, new JsonArray(), ""]),
                _ => new string('p', random.Next(1, 140_000)),
            };
        }

        if (random.Next(8) != 0)
        {
            request["purpose"] = Pick<JsonNode?>(random, ["TREAT", "", "TRE AT", 5, null, new string('A', 100), "HRESCH", "\u00e9"]);
        }

        if (random.Next(2) == 0)
        {
            request["version"] = Pick<JsonNode?>(random, [0, -1, 1.5, "1", 2147483648L, 1, null, new JsonArray()]);
        }

        return JsonSerializer.SerializeToUtf8Bytes(request);
    }

    private (FuzzAuth Auth, string? Header) Auth(Random random, List<string> notes)
    {
        static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        var roll = random.Next(100);
        if (roll >= 40)
        {
            FuzzAuth[] kinds =
            [
                FuzzAuth.Provider, FuzzAuth.Provider, FuzzAuth.Provider, FuzzAuth.Provider, FuzzAuth.Stranger, FuzzAuth.Stranger, FuzzAuth.OtherUrl, FuzzAuth.OtherMethod,
                FuzzAuth.OtherBody, FuzzAuth.Expired, FuzzAuth.NotYetValid, FuzzAuth.Replayed, FuzzAuth.Replayed, FuzzAuth.Forged, FuzzAuth.KeyNotInDocument,
                FuzzAuth.TamperedSignature,
            ];
            return (kinds[random.Next(kinds.Length)], null);
        }

        if (roll < 20)
        {
            return (FuzzAuth.None, null);
        }

        var claims = B64($"{{\"iss\":\"{DidKey.Create(_provider.PublicKey)}\",\"htm\":\"POST\",\"htu\":\"{_baseAddress}records\",\"htb\":\"{new string('A', 43)}\",\"iat\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()},\"jti\":\"0123456789abcdef\"}}");
        var header = Pick(random,
        [
            "DID", "DID ", "DID garbage", "did x", "Bearer abc", "Basic Zm9vOmJhcg==", "DID a.b", "DID a.b.c.d", "DID ..", "DID ...", "DID a..c", "DID !!!.@@@.###",
            "DID " + B64("{\"alg\":\"none\",\"typ\":\"ehr-request+jwt\",\"kid\":\"" + ProtectedServiceFixture.KeyId(_provider) + "\"}") + "." + claims + ".",
            "DID " + B64("{\"alg\":\"EdDSA\",\"typ\":\"ehr-request+jwt\",\"kid\":\"" + ProtectedServiceFixture.KeyId(_provider) + "\",\"x\":\"" + new string('h', 12_000) + "\"}") + "." + claims + ".AA",
            "DID eyJhbGciOiJFZERTQSJ9.@@@." + new string('A', 86),
            "DID " + B64("{") + "." + B64("[]") + ".AA",
            "DID " + CompactJws.Sign("[]"u8, _stranger, ProtectedServiceFixture.KeyId(_stranger), RequestProof.MediaType),
            "DID " + CompactJws.Sign(Encoding.UTF8.GetBytes("{\"iat\":\"now\",\"htm\":5}"), _stranger, ProtectedServiceFixture.KeyId(_stranger), RequestProof.MediaType),
            "DID " + CompactJws.Sign(Encoding.UTF8.GetBytes("{\"iss\":\"x\",\"htm\":\"GET\",\"htu\":\"x\",\"htb\":\"" + new string('A', 43) + "\",\"iat\":1e30,\"jti\":\"0123456789abcdef\"}"), _stranger, "did:key:z#z", RequestProof.MediaType),
            "DID  " + new string('.', 3000),
            "DID " + new string(Enumerable.Range(0, random.Next(1, 300)).Select(_ => (char)random.Next(0x21, 0x7F)).ToArray()),
        ]);
        notes.Add("authorization " + Shorten(header));
        return (FuzzAuth.Literal, header);
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static string Shorten(string text) => text.Length <= 48 ? text : text[..48] + "…";
}
