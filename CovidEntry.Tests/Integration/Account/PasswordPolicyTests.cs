using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>OWASP ASVS 5.0 passwords, through the app's own UserManager on PostgreSQL.</summary>
public sealed class PasswordPolicyTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task APasswordShorterThanTwelveCharactersIsRefused()
    {
        var errors = await CreateWithAsync("elevenchars");
        Assert.Contains(errors, e => e.Code == "PasswordTooShort" && e.Description.Contains("12"));
    }

    [Fact]
    public async Task APasswordLongerThan128CharactersIsRefused()
    {
        var errors = await CreateWithAsync(new string('w', 129));
        var error = Assert.Single(errors);
        Assert.Equal("PasswordTooLong", error.Code);
        Assert.Equal("A password can be at most 128 characters long.", error.Description);
    }

    [Fact]
    public async Task APasswordOf128CharactersIsAccepted() =>
        Assert.Empty(await CreateWithAsync(string.Concat(Enumerable.Repeat("meadow kettle ", 9)) + "ok"));

    [Theory]
    [InlineData("qwertyuiopasdfgh")]
    [InlineData("QwertyUIOPasdfgh")]
    [InlineData("password1234")]
    [InlineData("PASSWORD1234")]
    public async Task ACommonPasswordIsRefusedWhateverItsCase(string password)
    {
        var error = Assert.Single(await CreateWithAsync(password));
        Assert.Equal("PasswordTooCommon", error.Code);
        Assert.EndsWith(".", error.Description);
    }

    [Fact]
    public async Task ALongPassphraseWithoutDigitsOrCapitalsIsAccepted() =>
        Assert.Empty(await CreateWithAsync("violet tractor monsoon ledger"));

    [Fact]
    public async Task ChangingToACommonPasswordIsRefusedToo()
    {
        using var scope = _database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var userId = await _database.CreateUserAsync("Pat Password");
        var user = (await users.FindByIdAsync(userId))!;

        var result = await users.ChangePasswordAsync(user, "correct horse battery staple", "qwerty123456789");

        Assert.False(result.Succeeded);
        Assert.Equal("PasswordTooCommon", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void TheShippedListHoldsAtLeastThreeThousandPasswordsThePolicyWouldOtherwiseAllow()
    {
        // ASVS 5.0 6.2.4: at least the top 3000 passwords that match the length policy.
        var list = _database.Services.GetRequiredService<CommonPasswords>();
        Assert.True(list.Count >= 3000, $"only {list.Count} passwords");
        Assert.False(list.Contains("violet tractor monsoon ledger"));
    }

    private async Task<IReadOnlyList<IdentityError>> CreateWithAsync(string password)
    {
        using var scope = _database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"pw.{Guid.NewGuid():N}@example.org";
        var result = await users.CreateAsync(
            new ApplicationUser { UserName = email, Email = email, DisplayName = "Password Test", CreatedAtUtc = DateTime.UtcNow }, password);
        return result.Errors.ToList();
    }
}
