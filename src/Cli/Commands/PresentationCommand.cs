using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Consent;
using IdentityEhr.Credentials.DataIntegrity;
using IdentityEhr.Credentials.Model;
using IdentityEhr.Credentials.Verification;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Resolution;

namespace IdentityEhr.Cli.Commands;

/// <summary><c>ehr vp create</c> and <c>ehr vc verify</c>: the holder's side and an offline check of a credential.</summary>
internal static class PresentationCommand
{
    public static Command CreateVp(CliContext context)
    {
        var wallet = WalletKeys.WalletOption();
        var signer = WalletKeys.SignerOption();
        var challenge = new Option<string>("--challenge") { Description = "The verifier's challenge (from the service).", Required = true };
        var domain = new Option<string>("--domain") { Description = "The verifier's domain, such as the service's host.", Required = true };
        var credentials = new Option<string[]>("--credential") { Description = "A credential file to present (repeatable; '-' reads standard input).", Required = true };
        var output = new Option<string>("--out") { Description = "Write the presentation to this file (default: print it)." };
        var create = new Command("create", "Sign a presentation of credentials with your current DID (or --did), bound to a challenge and domain.")
        {
            challenge, domain, credentials, output,
        };
        create.SetAction(async (parse, cancellationToken) => await ConsentCommand.RunAsync(context, async () =>
        {
            var challengeText = parse.GetValue(challenge)!;
            var domainText = parse.GetValue(domain)!;
            if (challengeText.Length is 0 or > 256 || domainText.Length is 0 or > 256)
            {
                throw new CliException(ExitCodes.UsageError, "--challenge and --domain must be 1 to 256 characters");
            }

            var embedded = new JsonArray();
            foreach (var path in parse.GetValue(credentials) ?? [])
            {
                var credential = CredentialFiles.ReadObject(path);
                if (!VerifiableCredential.TryRead(JsonSerializer.SerializeToElement(credential), out _, out var error))
                {
                    throw new CliException(ExitCodes.UsageError, $"{path} is not a verifiable credential ({error})");
                }

                embedded.Add(credential);
            }

            var (did, key) = WalletKeys.SigningKey(context, parse.GetValue(wallet), parse.GetValue(signer));
            using (key)
            {
                await CredentialFiles.WriteAsync(context, Sign(context, did, key, embedded, challengeText, domainText), parse.GetValue(output));
            }
        }));
        return new Command("vp", "Verifiable presentations.") { wallet, signer, create };
    }

    /// <summary>A presentation of credentials signed with eddsa-jcs-2022 by the holder's key, bound to a challenge and domain.</summary>
    public static JsonObject Sign(CliContext context, IdentityEhr.Identity.Dids.Did did, IdentityEhr.Identity.Keys.PrivateKey key, JsonArray credentials, string challenge, string domain)
    {
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray(VerifiableCredential.V2Context),
            ["type"] = new JsonArray(VerifiablePresentation.PresentationType),
            ["holder"] = did.ToString(),
            ["verifiableCredential"] = credentials,
        };
        var now = context.Time.GetUtcNow();
        var options = new ProofOptions($"{did}#{key.PublicKey.ExportMultikey()}", ProofOptions.Authentication, now)
        {
            Challenge = challenge,
            Domain = domain,
            Expires = now.AddMinutes(5),
        };
        return EddsaJcs2022.Sign(presentation, options, key);
    }

    public static Command CreateVc(CliContext context)
    {
        var file = new Argument<string>("credential") { Description = "The credential file ('-' reads standard input)." };
        var verify = new Command("verify", "Check a credential's eddsa-jcs-2022 proof by its issuer's assertionMethod key, its validity window and, for consent, its shape. did:key issuers are resolved offline.") { file };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            string? reason;
            string? summary;
            try
            {
                var path = parse.GetValue(file)!;
                (reason, summary) = CredentialFiles.ReadCompactJws(path) is { } jwt
                    ? await VerifyJwtAsync(context, jwt, cancellationToken)
                    : await VerifyAsync(context, JsonSerializer.SerializeToElement(CredentialFiles.ReadObject(path)), cancellationToken);
            }
            catch (CliException e)
            {
                return await context.FailAsync(e.ExitCode, e.Message);
            }

            if (parse.GetValue(context.Json))
            {
                await context.Output.WriteLineAsync(new JsonObject { ["verified"] = reason is null, ["reason"] = reason, ["summary"] = summary }.ToJsonString());
            }
            else if (reason is null)
            {
                await context.Output.WriteLineAsync(summary);
            }

            return reason is null ? ExitCodes.Success : await context.FailAsync(ExitCodes.CheckFailed, $"not verified: {reason}");
        });
        return new Command("vc", "Verifiable credentials.") { verify };
    }

    private static async Task<(string? Reason, string? Summary)> VerifyJwtAsync(CliContext context, string jwt, CancellationToken cancellationToken) =>
        Explain(await IssuerProof.VerifyAsync(jwt, OfflineResolver(context), cancellationToken), context, "vc+jwt", "the JWS does not verify");

    private static async Task<(string? Reason, string? Summary)> VerifyAsync(CliContext context, JsonElement json, CancellationToken cancellationToken) =>
        Explain(await IssuerProof.VerifyAsync(json, OfflineResolver(context), cancellationToken), context, EddsaJcs2022.Name, "the proof does not verify");

    /// <summary>did:key only: other methods need the chain or the web, which the service has.</summary>
    private static DidResolver OfflineResolver(CliContext context) => new([new DidKey()], context.Time, cacheCapacity: 0);

    private static (string? Reason, string? Summary) Explain(IssuerProofCheck check, CliContext context, string securedWith, string signatureFailure) => check.Failure switch
    {
        null => VerifyContent(context, check.Credential!, securedWith),
        AccessReason.DidNotResolved when check.Signer is { Method: not DidKey.MethodName } signer =>
            ($"only did:key issuers can be checked offline; {signer.Method} issuers are checked by the service", null),
        AccessReason.DidNotResolved => ($"{check.Signer} does not resolve", null),
        AccessReason.IssuerKeyNotAssertionMethod => ("the signing key is not under the issuer's assertionMethod", null),
        AccessReason.CredentialSignatureInvalid => ($"{signatureFailure} ({check.Detail})", null),
        _ => ($"not a verifiable credential with one usable proof ({check.Detail})", null),
    };

    private static (string? Reason, string? Summary) VerifyContent(CliContext context, VerifiableCredential credential, string securedWith)
    {
        var now = context.Time.GetUtcNow();
        if (credential.ValidFrom > now || credential.ValidUntil < now)
        {
            return ($"outside its validity period ({credential.ValidFrom:O} to {credential.ValidUntil?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "open"})", null);
        }

        if (credential.HasType(ConsentCredential.CredentialType) && !ConsentCredential.TryRead(credential, out _, out var consentError))
        {
            return (ConsentCredential.Describe(consentError), null);
        }

        return (null, $"verified: {string.Join(", ", credential.Types)} issued by {credential.Issuer} ({securedWith}); revocation is checked by the service");
    }
}
