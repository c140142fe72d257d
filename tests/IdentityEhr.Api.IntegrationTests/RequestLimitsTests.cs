using IdentityEhr.Api.Auth;
using IdentityEhr.Api.Records;
using IdentityEhr.Testing;
using Microsoft.AspNetCore.Http;

namespace IdentityEhr.Api.IntegrationTests;

/// <summary>The request-side bounds: proof ids remembered for their window, the budget of bodies in flight, the public URL setting.</summary>
public sealed class RequestLimitsTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_proof_id_is_refused_a_second_time_for_its_whole_window_and_forgotten_after()
    {
        var clock = new FixedTimeProvider(s_now);
        var cache = new ReplayCache(clock);

        Assert.True(cache.TryUse("0123456789abcdef", s_now));
        Assert.False(cache.TryUse("0123456789abcdef", s_now));
        clock.SetUtcNow(s_now.AddSeconds(60));
        Assert.False(cache.TryUse("0123456789abcdef", s_now));
        clock.SetUtcNow(s_now.AddSeconds(62));
        Assert.True(cache.TryUse("fedcba9876543210", s_now.AddSeconds(62)));
        Assert.True(cache.TryUse("0123456789abcdef", s_now.AddSeconds(62)));
        Assert.False(cache.IsFull);
    }

    [Fact]
    public void The_body_budget_refuses_past_its_capacity_and_frees_what_is_returned()
    {
        var budget = new BodyBudget();
        var leases = Enumerable.Range(0, 8).Select(_ => budget.TryTake(4 * 1024 * 1024)).ToList();

        Assert.All(leases, Assert.NotNull);
        Assert.Null(budget.TryTake(1));
        leases[0]!.Dispose();
        leases[0]!.Dispose();
        Assert.NotNull(budget.TryTake(4 * 1024 * 1024));
        Assert.Null(budget.TryTake(1));
    }

    [Theory]
    [InlineData("ftp://ehr.example.org/")]
    [InlineData("https://ehr.example.org/?x=1")]
    [InlineData("/relative")]
    public void A_public_url_that_is_not_an_http_base_url_is_a_configuration_error(string value) =>
        Assert.StartsWith(PublicOrigin.Variable, Assert.Throws<FormatException>(() => PublicOrigin.Read(n => n == PublicOrigin.Variable ? value : null)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_signed_url_is_the_public_base_with_the_request_path_or_else_what_the_request_names()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:5080");
        context.Request.Path = "/records";
        context.Request.QueryString = new QueryString("?patient=did:key:z6Mk");

        Assert.Equal("https://ehr.example.org/ehr/records?patient=did:key:z6Mk", PublicOrigin.Read(_ => "https://ehr.example.org/ehr/").Of(context.Request)!.ToString());
        Assert.Equal("http://127.0.0.1:5080/records?patient=did:key:z6Mk", PublicOrigin.Read(_ => null).Of(context.Request)!.ToString());
        context.Request.Host = new HostString("x:99999");
        Assert.Null(PublicOrigin.Read(_ => null).Of(context.Request));
    }
}
