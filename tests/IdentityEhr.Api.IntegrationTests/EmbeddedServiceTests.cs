using System.Net;
using System.Text.Json;
using IdentityEhr.Embedded;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The service on its embedded defaults (its own throwaway PostgreSQL and anvil with contracts), as ./run.sh starts it.</summary>
public sealed class EmbeddedServiceTests : IAsyncLifetime
{
    private RunningService _service = null!;
    private JsonElement _chain;

    public async ValueTask InitializeAsync()
    {
        _service = await RunningService.StartAsync(new EhrSettings(), TestContext.Current.CancellationToken);
        _chain = JsonDocument.Parse(await _service.Client.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken)).RootElement.GetProperty("chain").Clone();
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    private string ServiceIdentity => _chain.GetProperty("contracts").GetProperty("serviceIdentity").GetString()!;

    [Fact]
    public void Health_names_the_deployed_contracts()
    {
        Assert.Equal((true, 42), (_chain.GetProperty("embedded").GetBoolean(), _chain.GetProperty("contracts").GetProperty("auditAnchor").GetString()!.Length));
    }

    [Theory]
    [InlineData("0x7a69")]
    [InlineData("dev")]
    public async Task A_did_ethr_on_the_service_chain_resolves_to_its_controller(string network)
    {
        using var response = await _service.Client.GetAsync(new Uri($"/1.0/identifiers/did:ethr:{network}:{ServiceIdentity}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            (HttpStatusCode.OK, $"eip155:31337:{ServiceIdentity}"),
            (response.StatusCode, document.RootElement.GetProperty("verificationMethod")[0].GetProperty("blockchainAccountId").GetString()!.ToLowerInvariant()));
    }

    [Fact]
    public async Task A_did_ethr_on_another_network_is_404()
    {
        using var response = await _service.Client.GetAsync(new Uri($"/1.0/identifiers/did:ethr:0x1:{ServiceIdentity}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
