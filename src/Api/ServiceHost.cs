using System.Text.Json.Serialization;
using IdentityEhr.Api.Dids;
using IdentityEhr.Api.Health;
using IdentityEhr.Api.Access;
using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Consents;
using IdentityEhr.Api.Log;
using IdentityEhr.Api.History;
using IdentityEhr.Api.Records;
using IdentityEhr.Api.Registry;
using IdentityEhr.Embedded;
using IdentityEhr.Fhir;
using IdentityEhr.Identity.Methods;
using IdentityEhr.Identity.Methods.Ethr;
using IdentityEhr.Identity.Resolution;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace IdentityEhr.Api;

/// <summary>Starts the service: its infrastructure (given or embedded), then the HTTP API on top of it.</summary>
internal static class ServiceHost
{
    /// <summary>Where the service listens when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Where the embedded defaults keep their data when <c>EHR_DATA_DIR</c> is unset, relative to the working folder.</summary>
    public const string DefaultDataDirectory = ".ehr";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        EhrSettings settings;
        try
        {
            settings = EhrSettings.Read(name => builder.Configuration[name]);
        }
        catch (InfrastructureConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"identityehr: {e.Message}");
            return 2;
        }

        // The service keeps its embedded data across restarts; throwaway folders are for tests and `ehr dev up`.
        settings = settings with { DataDirectory = Path.GetFullPath(settings.DataDirectory ?? DefaultDataDirectory) };

        using var stopping = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        Infrastructure infrastructure;
        using (var loggerFactory = LoggerFactory.Create(b => b.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true)))
        {
            try
            {
                infrastructure = await Infrastructure.StartAsync(settings, loggerFactory.CreateLogger("IdentityEhr.Infrastructure"), stopping.Token);
            }
            catch (InfrastructureException e)
            {
                await Console.Error.WriteLineAsync($"identityehr: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return 130;
            }
            finally
            {
                // From here on the host's own console lifetime handles Ctrl-C.
                Console.CancelKeyPress -= onCancel;
            }
        }

        AuditLogOptions logOptions;
        AnchoringOptions anchoringOptions;
        VaultOptions vaultOptions;
        PublicOrigin publicOrigin;
        AccreditorOptions accreditors;
        RateLimits rateLimits;
        try
        {
            logOptions = AuditLogOptions.Read(name => builder.Configuration[name], settings.DataDirectory);
            anchoringOptions = AnchoringOptions.Read(name => builder.Configuration[name], settings.DataDirectory, infrastructure.Chain.IsEmbedded);
            vaultOptions = VaultOptions.Read(name => builder.Configuration[name], settings.DataDirectory);
            publicOrigin = PublicOrigin.Read(name => builder.Configuration[name]);
            accreditors = AccreditorOptions.Read(name => builder.Configuration[name], settings.DataDirectory, infrastructure.Chain.IsEmbedded);
            rateLimits = RateLimits.Read(name => builder.Configuration[name]);
        }
        catch (FormatException e)
        {
            await infrastructure.DisposeAsync();
            await Console.Error.WriteLineAsync($"identityehr: {e.Message}");
            return 2;
        }

        await using (infrastructure)
        using (logOptions)
        using (anchoringOptions)
        {
            try
            {
                // The custody key file must hold the keys stored rows name: checked before anything starts.
                await using var store = await Storage.EventStore.OpenAsync(new Storage.EventStoreOptions { ConnectionString = infrastructure.Database.ConnectionString });
                await VaultService.CheckKeysAsync(store, vaultOptions, CancellationToken.None);
            }
            catch (ServiceStartException e)
            {
                await Console.Error.WriteLineAsync($"identityehr: {e.Message}");
                return 2;
            }

            var app = Build(builder, infrastructure, settings.EthrNetworks, logOptions, anchoringOptions, vaultOptions, publicOrigin, accreditors, rateLimits);
            await using (app)
            {
                try
                {
                    await app.StartAsync();
                }
                catch (ServiceStartException e)
                {
                    // A start check that failed: one line, and the services already started are stopped before the
                    // infrastructure under them goes away.
                    await Console.Error.WriteLineAsync($"identityehr: {e.Message}");
                    await app.StopAsync();
                    return 2;
                }

                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrl;
                if (accreditors.DevKeyFile is { } devKey)
                {
                    Console.WriteLine($"Emergency access accreditations are trusted from the development accreditor {accreditors.Accreditors[0]} (key: {devKey}; set EHR_ACCREDITORS for real ones).");
                }

                Console.WriteLine($"IdentityEhr is running at {address}  (health: {address}/health, API docs: {address}/swagger). Press Ctrl-C to stop.");
                Console.WriteLine($"Try the whole story in another terminal: ./ehr demo{(address == DefaultUrl ? "" : $" --url {address}")}");
                await app.WaitForShutdownAsync();
            }
        }

        return 0;
    }

    /// <summary>Builds the HTTP application on running infrastructure; tests call this with their fixtures' infrastructure.</summary>
    public static WebApplication Build(
        WebApplicationBuilder builder, Infrastructure infrastructure, IReadOnlyList<EthrNetworkSetting>? ethrNetworks = null, AuditLogOptions? logOptions = null,
        AnchoringOptions? anchoringOptions = null, VaultOptions? vaultOptions = null, PublicOrigin? publicOrigin = null, AccreditorOptions? accreditors = null,
        RateLimits? rateLimits = null)
    {
        ethrNetworks ??= [];
        builder.Services.AddSingleton(infrastructure);

        // Without options (tests), an ephemeral log key and the default origin and interval; the container disposes them.
        if (logOptions is null)
        {
            builder.Services.AddSingleton(_ => AuditLogOptions.Read(_ => null, dataDirectory: null));
        }
        else
        {
            builder.Services.AddSingleton(logOptions);
        }

        builder.Services.AddSingleton<AuditLogService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditLogService>());

        // Without options (tests), an ephemeral custody key and ciphertexts in PostgreSQL. The vault opens after the log and
        // before anchoring (hosted services start in order), so a vault that refuses to start leaves nothing running.
        builder.Services.AddSingleton(vaultOptions ?? VaultOptions.Read(_ => null, dataDirectory: null));
        builder.Services.AddSingleton<VaultService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VaultService>());

        // Without options (tests), anchoring is off unless a test asks for it; it starts after the log (hosted services start in order).
        if (anchoringOptions is null)
        {
            builder.Services.AddSingleton(_ => AnchoringOptions.Read(name => name == AnchoringOptions.EnabledVariable ? "off" : null, dataDirectory: null, infrastructure.Chain.IsEmbedded));
        }
        else
        {
            builder.Services.AddSingleton(anchoringOptions);
        }

        builder.Services.AddSingleton<AnchoringService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AnchoringService>());

        builder.Services.AddSingleton(_ => new FhirValidator());
        builder.Services.AddSingleton(publicOrigin ?? new PublicOrigin((Uri?)null));
        builder.Services.AddSingleton<ReplayCache>();
        builder.Services.AddSingleton(_ => rateLimits ?? RateLimits.Default());
        builder.Services.AddSingleton<BodyBudget>();
        builder.Services.AddSingleton<HostedStatusLists>();
        builder.Services.AddSingleton(accreditors ?? AccreditorOptions.None);
        builder.Services.AddSingleton<AccessVerifier>();
        builder.Services.AddSingleton<StatusListPublisher>();
        builder.Services.AddSingleton<RequestAuthenticator>();
        builder.Services.AddSingleton<HealthReporter>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IDidMethod, DidKey>();
        // did:ethr on the service's own chain (by hex chain id always, and as "dev" on the embedded chain) and on configured ones.
        var networks = ethrNetworks.Select(n => new EthrNetwork(n.Name, n.ChainId, n.Rpc, n.Registry)).ToList();
        if (infrastructure.Chain.Contracts is { } contracts && networks.All(n => n.ChainId != infrastructure.Chain.ChainId))
        {
            var name = infrastructure.Chain.IsEmbedded ? "dev" : infrastructure.Chain.ChainId == 1 ? "mainnet" : $"0x{infrastructure.Chain.ChainId:x}";
            networks.Insert(0, new EthrNetwork(name, infrastructure.Chain.ChainId, infrastructure.Chain.Rpc, contracts.DidRegistry));
        }

        if (networks.Count > 0)
        {
            builder.Services.AddSingleton<IDidMethod>(sp => new EthrDid(networks, sp.GetRequiredService<TimeProvider>()));
        }

        builder.Services.AddSingleton(sp => new DidResolver(sp.GetServices<IDidMethod>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StorageExceptionHandler>();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "IdentityEhr";
            document.Info.Description = "Consent-gated access to encrypted FHIR records, with a verifiable audit log anchored on Ethereum.";
            return Task.CompletedTask;
        }));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);

        var app = builder.Build();

        // Every error leaves as RFC 9457 problem details, never with a stack trace.
        app.UseExceptionHandler();
        // The router's own 404 and 405 too, whatever the request's Accept says (the default falls back to text/plain).
        app.UseStatusCodePages(context => TypedResults.Problem(statusCode: context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "IdentityEhr v1");
            o.RoutePrefix = "swagger";
        });
        app.MapHealthEndpoints();
        app.MapResolutionEndpoints();
        app.MapLogEndpoints();
        app.MapRecordEndpoints();
        app.MapStatusListEndpoints();
        app.MapAccessEndpoints();
        app.MapRegistrationEndpoints();
        app.MapConsentEndpoints();
        app.MapHistoryEndpoints();
        return app;
    }
}
