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
        Records.VaultOptions? vaultOptions = null, Auth.PublicOrigin? publicOrigin = null)
    {
        var infrastructure = await Infrastructure.StartAsync(settings, null, cancellationToken);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = ServiceHost.Build(builder, infrastructure, logOptions: logOptions, anchoringOptions: anchoringOptions, vaultOptions: vaultOptions, publicOrigin: publicOrigin);
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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }
}
