namespace CovidEntry.App.Features.Access;

public static class AccessExtensions
{
    public static void AddAccess(this WebApplicationBuilder builder)
    {
        Policies.AddTo(builder.Services.AddAuthorizationBuilder());
        builder.Services.AddSingleton<ActingPerson>();
    }
}
