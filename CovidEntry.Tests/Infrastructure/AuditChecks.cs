using CovidEntry.App.Features.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>audit-verify as the tests use it: after linking what is waiting (the running app's job, which a test's services do not run).</summary>
public static class AuditChecks
{
    public static async Task<AuditVerification> LinkAndVerifyAsync(this IServiceProvider services)
    {
        await services.GetRequiredService<AuditChainer>().CatchUpAsync(wait: true);
        return await services.GetRequiredService<AuditVerifier>().VerifyAsync();
    }

    public static Task<AuditVerification> LinkAndVerifyAsync(this TestDatabase database) => database.Services.LinkAndVerifyAsync();

    public static void AssertIntact(AuditVerification verification) =>
        Assert.True(verification.Intact, "audit-verify found:\n" + string.Join("\n", verification.Findings.Select(f => f.Sentence)));
}
