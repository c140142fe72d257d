using IdentityEhr.Embedded;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The real service on Kestrel at a free loopback port, on infrastructure given by the test.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Infrastructure _infrastructure;

    private RunningService(WebApplication app, Infrastructure infrastructure, Uri baseAddress)
    {
        _app = app;
        _infrastructure = infrastructure;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public Infrastructure Infrastructure => _infrastructure;

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningService> StartAsync(
        EhrSettings settings, CancellationToken cancellationToken, Log.AuditLogOptions? logOptions = null, Log.AnchoringOptions? anchoringOptions = null,
        Records.VaultOptions? vaultOptions = null, Auth.PublicOrigin? publicOrigin = null, Access.AccreditorOptions? accreditors = null, Auth.RateLimits? rateLimits = null)
    {
        var infrastructure = await Infrastructure.StartAsync(settings, null, cancellationToken);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = ServiceHost.Build(builder, infrastructure, logOptions: logOptions, anchoringOptions: anchoringOptions, vaultOptions: vaultOptions, publicOrigin: publicOrigin, accreditors: accreditors, rateLimits: rateLimits);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            await infrastructure.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningService(app, infrastructure, new Uri(address));
    }

    /// <summary>The key id of a did:key's only key: the DID and its multibase fragment.</summary>
    public static string KeyId(Identity.Keys.PrivateKey key) => $"{Identity.Methods.DidKey.Create(key.PublicKey)}#{key.PublicKey.ExportMultikey()}";

    /// <summary>Sends a request signed with a request proof by a did:key.</summary>
    public async Task<HttpResponseMessage> SendSignedAsync(
        HttpMethod method, string path, byte[]? body, Identity.Keys.PrivateKey signer, string contentType = "application/json", CancellationToken cancellationToken = default)
    {
        var uri = new Uri(BaseAddress, path);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        request.Headers.TryAddWithoutValidation(
            "Authorization", "DID " + Credentials.Jose.RequestProof.Create(signer, KeyId(signer), method.Method, uri, body ?? [], DateTimeOffset.UtcNow));
        return await Client.SendAsync(request, cancellationToken);
    }

    /// <summary>Registers a did:key as a patient or a provider (POST /patients or /providers).</summary>
    public async Task RegisterAsync(Identity.Keys.PrivateKey key, string role, CancellationToken cancellationToken = default)
    {
        using var response = await SendSignedAsync(HttpMethod.Post, role == "patient" ? "/patients" : "/providers", null, key, cancellationToken: cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"registering as {role} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }
}
