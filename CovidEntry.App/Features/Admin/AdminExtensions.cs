namespace CovidEntry.App.Features.Admin;

public static class AdminExtensions
{
    public static void AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdminService>();
        builder.Services.AddScoped<InviteFormValidator>();
        builder.Services.Configure<EmailSettings>(builder.Configuration.GetSection(EmailSettings.Section));
        builder.Services.AddSingleton<InvitationMail>();
    }
}
