using Microsoft.AspNetCore.Http.HttpResults;

namespace IdentityEhr.Api;

/// <summary>RFC 9457 problem details as every endpoint group writes them: a type under the group's base, a title and a one-line detail.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Of(string typeBase, int status, string code, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: typeBase + code, extensions: extensions);
}
