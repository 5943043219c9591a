using CovidEntry.App.Features.Jurisdictions;
using System.Reflection;
using System.Runtime.CompilerServices;
using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Tests.Integration;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// No page scrolls sideways on a laptop (1280 px) or a phone (390 px): every page of the app, as
/// each kind of person who may open it sees it, with long addresses, names, notes and hashes on
/// it. Long text wraps or is cut short; wide tables scroll inside their own box, which the keyboard can reach.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NoSidewaysScrollTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    // Pennsylvania (published history, a source with a very long address, an upload) and Colorado
    // (a mismatch to reconcile): no other browser test publishes or uploads for either.
    private const string Code = "PA";
    private const string MismatchCode = "CO";
    private static readonly DateOnly ShiftDate = new(2020, 11, 20);
    private static readonly int[] Widths = [1280, 390];

    /// <summary>An address with a long run that has no natural place to break, as dashboards' addresses have.</summary>
    private const string LongUrl =
        "https://www.health.pa.gov/topics/disease/coronavirus/Pages/Cases.aspx?dashboard=COVID19PennsylvaniaCountyCasesTestingHospitalizationsAndDeathsByDateOfReportIncludingProbableCasesAndAntigenTests&view=all";

    /// <summary>
    /// The records every width and visitor's walk opens, arranged once for the run: arranging twice would
    /// make a second shift on the same day for the same jurisdictions.
    /// </summary>
    private static readonly ConditionalWeakTable<BrowserFixture, Task<People>> Arranged = new();

    /// <summary>One walk per width and kind of person, so that no single test comes near the hang guard on a busy machine.</summary>
    public static TheoryData<int, string> Walks()
    {
        var walks = new TheoryData<int, string>();
        foreach (var width in Widths)
        {
            foreach (var visitor in RouteAccessTable.Visitors)
            {
                walks.Add(width, visitor);
            }
        }

        return walks;
    }

    [Fact]
    public void EveryPageOfTheAppHasAPlaceToOpenItInTheWalk()
    {
        // A new page fails until it is added to Paths.
        var paths = Paths(new People(new Dictionary<string, string?>(), Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty));
        var routes = PageRoutes();
        Assert.Empty(routes.Keys.Except(paths.Keys));
        Assert.Empty(paths.Keys.Except(routes.Keys));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public async Task NoPageScrollsSidewaysOnALaptopOrAPhone(int width, string visitor)
    {
        await RunAsync(async () =>
        {
            var people = await SharedArrangementAsync();
            var routes = PageRoutes();
            var paths = Paths(people);

            var wide = new List<string>();
            var unreachable = new List<string>();
            var blocking = new List<string>();
            var person = await PersonAsync($"{visitor} at {width}", width: width);
            if (people.Emails[visitor] is { } email)
            {
                await person.SignInAsync(email, BrowserFixture.AdminPassword);
            }

            var visited = 0;
            foreach (var (template, isStatic) in routes)
            {
                if (!VisitsAs(visitor, RouteAccessTable.Rows[template]))
                {
                    continue;
                }

                visited++;
                await OpenAsync(person, paths[template], isStatic);
                var where = $"{paths[template]} ({visitor}, {width} px)";
                wide.AddRange(await SidewaysAsync(person.Page, where));
                unreachable.AddRange(await Accessibility.UnreachableScrollBoxesAsync(person.Page, where));

                // Every page once on a phone through all of axe's rules, as the least of the people allowed in.
                if (width == 390 && visitor == RouteAccessTable.Visitors.First(v => RouteAccessTable.Rows[template].For(v) == Outcome.Allowed))
                {
                    blocking.AddRange((await Accessibility.BlockingViolationsAsync(person.Page)).Select(v => $"{where}: {v}"));
                }
            }

            Assert.True(visited > 0, $"The walk as {visitor} opened no page.");
            Assert.True(wide.Count == 0, "These pages scroll sideways:\n" + string.Join("\n", wide));

            // A box that scrolls instead of the page must take the keyboard's focus, or a keyboard cannot scroll it.
            Assert.True(unreachable.Count == 0, "These boxes scroll but cannot be focused:\n" + string.Join("\n", unreachable));
            Assert.True(blocking.Count == 0, "axe found on a phone:\n" + string.Join("\n", blocking));
        });
    }

    /// <summary>The arranged records, made by the first walk of the run and shared by the rest.</summary>
    private Task<People> SharedArrangementAsync()
    {
        lock (Arranged)
        {
            return Arranged.GetValue(Browser, _ => ArrangeAsync());
        }
    }

    [Fact]
    public async Task OnAPhoneTheMenuIsADrawerOpenedFromTheBarAndOnALaptopItStaysBesideThePage()
    {
        await RunAsync(async () =>
        {
            var email = await Browser.CreatePersonAsync("Menu Lead", Roles.ShiftLead);
            var phone = await PersonAsync("Lead on a phone", width: 390);
            await phone.SignInAsync(email, BrowserFixture.AdminPassword);
            await phone.OpenAsync("shifts");
            var menu = phone.Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
            var staleness = phone.Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Staleness" });

            // The page has the whole width; the menu opens over it, and a link in it goes where it says and closes it.
            await Expect(staleness).Not.ToBeInViewportAsync();
            await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
            await menu.ClickAsync();
            await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
            await Expect(staleness).ToBeInViewportAsync();
            await Accessibility.AssertAccessibleAsync(phone, "shifts page on a phone with the menu open");
            await staleness.ClickAsync();
            await Expect(phone.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/staleness$"));
            await Expect(staleness).Not.ToBeInViewportAsync();
            await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

            var laptop = await PersonAsync("Lead on a laptop", width: 1280);
            await laptop.SignInAsync(email, BrowserFixture.AdminPassword);
            await laptop.OpenAsync("shifts");
            await Expect(laptop.Page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToBeHiddenAsync();
            await Expect(laptop.Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Staleness" })).ToBeInViewportAsync();
        });
    }

    /// <summary>
    /// Whom a page is opened as: the public for public pages, and for the rest the least of the people
    /// allowed in; the admin as well everywhere, who sees the most on each page.
    /// </summary>
    private static bool VisitsAs(string visitor, Access access)
    {
        if (access.For(visitor) != Outcome.Allowed)
        {
            return false;
        }

        var least = RouteAccessTable.Visitors.First(v => access.For(v) == Outcome.Allowed);
        return visitor == least || visitor == RouteAccessTable.Admin;
    }

    /// <summary>Every routed page of the app (the @page of each component), and whether it is rendered statically.</summary>
    private static Dictionary<string, bool> PageRoutes() =>
        typeof(CovidEntry.App.Components.Pages.Home).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r =>
                (r.Template, IsStatic: t.GetCustomAttribute<ExcludeFromInteractiveRoutingAttribute>() is not null)))
            .ToDictionary(r => r.Template, r => r.IsStatic, StringComparer.Ordinal);

    /// <summary>Where each page is opened: on the records arranged for this test, so the page shows them.</summary>
    private static Dictionary<string, string> Paths(People people) => new(StringComparer.Ordinal)
    {
        ["/"] = "",
        ["/not-found"] = "not-found",
        ["/Error"] = "Error",
        ["/data"] = "data",
        ["/data/{Code}"] = $"data/{Code}",
        ["/data/{Code}/screenshots"] = $"data/{Code}/screenshots",
        ["/data/snapshots/{Id:guid}"] = $"data/snapshots/{people.SnapshotId}",
        ["/Account/Login"] = "Account/Login",
        ["/Account/LoginWith2fa"] = "Account/LoginWith2fa",
        ["/Account/LoginWithRecoveryCode"] = "Account/LoginWithRecoveryCode",
        ["/Account/AccessDenied"] = "Account/AccessDenied",
        ["/Account/AcceptInvite"] = "Account/AcceptInvite",
        ["/Account/ConfirmEmail"] = "Account/ConfirmEmail",
        ["/Account/ConfirmEmailChange"] = "Account/ConfirmEmailChange",
        ["/Account/InvalidPasswordReset"] = "Account/InvalidPasswordReset",
        ["/Account/InvalidUser"] = "Account/InvalidUser",
        ["/Account/Manage"] = "Account/Manage",
        ["/Account/Manage/ChangePassword"] = "Account/Manage/ChangePassword",
        ["/Account/Manage/DeletePersonalData"] = "Account/Manage/DeletePersonalData",
        ["/Account/Manage/Disable2fa"] = "Account/Manage/Disable2fa",
        ["/Account/Manage/Email"] = "Account/Manage/Email",
        ["/Account/Manage/EnableAuthenticator"] = "Account/Manage/EnableAuthenticator",
        ["/Account/Manage/GenerateRecoveryCodes"] = "Account/Manage/GenerateRecoveryCodes",
        ["/Account/Manage/Passkeys"] = "Account/Manage/Passkeys",
        ["/Account/Manage/PersonalData"] = "Account/Manage/PersonalData",
        ["/Account/Manage/RenamePasskey/{Id}"] = "Account/Manage/RenamePasskey/AAAA",
        ["/Account/Manage/ResetAuthenticator"] = "Account/Manage/ResetAuthenticator",
        ["/Account/Manage/SetPassword"] = "Account/Manage/SetPassword",
        ["/Account/Manage/TwoFactorAuthentication"] = "Account/Manage/TwoFactorAuthentication",
        ["/work"] = "work",
        ["/entries/{EntryId:guid}/pass/{PassNumber:int}"] = $"entries/{people.PassEntryId}/pass/1",
        ["/history"] = "history",
        ["/history/{Code}"] = $"history/{Code}",
        ["/history/{Code}/{Date:datetime}/{MetricKey}"] = $"history/{Code}/2020-11-13/positive",
        ["/shifts"] = "shifts",
        ["/shifts/new"] = "shifts/new",
        ["/shifts/{ShiftId:guid}"] = $"shifts/{people.ShiftId}",
        ["/shifts/{ShiftId:guid}/review"] = $"shifts/{people.ShiftId}/review",
        ["/entries/{EntryId:guid}/reconcile"] = $"entries/{people.MismatchEntryId}/reconcile",
        ["/edits"] = "edits",
        ["/edits/{BatchId:guid}"] = $"edits/{people.EditBatchId}",
        ["/jurisdictions"] = "jurisdictions",
        ["/jurisdictions/{Code}/sources"] = $"jurisdictions/{Code}/sources",
        ["/quality/muted-warnings"] = "quality/muted-warnings",
        ["/screenshots/captures"] = "screenshots/captures",
        ["/staleness"] = "staleness",
        ["/stats/double-entry"] = "stats/double-entry",
        ["/admin/audit"] = "admin/audit",
        ["/admin/users"] = "admin/users",
        ["/admin/metrics"] = "admin/metrics",
        ["/admin/import"] = "admin/import",
        ["/admin/snapshots"] = "admin/snapshots",
    };

    /// <summary>Opens a page and waits until it shows what it loads, not a "Loading…" placeholder.</summary>
    private static async Task OpenAsync(BrowserUser person, string path, bool isStatic)
    {
        if (isStatic)
        {
            await person.Page.GotoAsync(path);
        }
        else
        {
            await person.OpenAsync(path);
        }

        await Expect(person.Page.Locator("main").First).ToBeVisibleAsync();
        await Expect(person.Page.GetByText("Loading…")).ToHaveCountAsync(0);
        await Expect(person.Page.Locator(".mud-table-loading")).ToHaveCountAsync(0);
    }

    /// <summary>The page, with the elements that stick out past the window's right edge, if it scrolls sideways.</summary>
    private static async Task<IReadOnlyList<string>> SidewaysAsync(IPage page, string what)
    {
        var found = await page.EvaluateAsync<string[]>(
            """
            () => {
                const root = document.documentElement;
                if (root.scrollWidth <= root.clientWidth) return [];
                const edge = root.clientWidth;
                const culprits = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > edge + 1)
                    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > edge + 1))
                    .slice(0, 4)
                    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} (${Math.round(e.getBoundingClientRect().right)} px): ${(e.textContent || '').trim().slice(0, 60)}`);
                return [`scrollWidth ${root.scrollWidth} > ${root.clientWidth}`, ...culprits];
            }
            """);
        return found.Length == 0 ? [] : [$"{what}: {string.Join(" | ", found)}"];
    }

    /// <summary>
    /// The people (a volunteer with a long name and address, a lead, an admin, and the public) and the
    /// records the pages show: Pennsylvania's published history, a source with a very long address, an
    /// approved upload, a shift with a pass and a mismatch, an edit batch and a snapshot.
    /// </summary>
    private async Task<People> ArrangeAsync()
    {
        var volunteer = await Browser.CreatePersonAsync("Bartholomew Featherstonehaugh-Cholmondeley");
        var checker = await Browser.CreatePersonAsync("Scroll Checker");
        var lead = await Browser.CreatePersonAsync("Scroll Lead", Roles.ShiftLead);
        var admin = await Browser.CreatePersonAsync("Scroll Admin", [.. Roles.All]);
        // Up to the 13th: the 14th is CoreLoopTests' own data date.
        await TestApp.ImportCtpAsync(Browser.ConnectionString, CtpSample.HistoryOf(Code, before: new DateOnly(2020, 11, 14)), "pa.csv");

        var shift = await Browser.OpenShiftAsync("Evening shift of the twentieth, with a label long enough to need a second line on a phone", ShiftDate, [Code, MismatchCode]);
        await using var arrange = new Arrange(Browser);
        var adminId = await arrange.IdOfAsync(admin);
        var passEntry = shift.Entries.Single(e => e.Code == Code).EntryId;
        var mismatch = shift.Entries.Single(e => e.Code == MismatchCode).EntryId;
        await arrange.AssignAsync(shift, Code, 1, volunteer);
        await arrange.AssignAsync(shift, MismatchCode, 1, volunteer);
        await arrange.AssignAsync(shift, MismatchCode, 2, checker);
        await arrange.SubmitAsync(mismatch, 1, volunteer, new Dictionary<string, string> { ["positive"] = "1,000" });
        await arrange.SubmitAsync(mismatch, 2, checker, new Dictionary<string, string> { ["positive"] = "1,001" });

        var sourceId = await arrange.Get<SourceService>().AddAsync(Code, new SourceForm { Label = "County dashboard (every table expanded)", Url = LongUrl }, adminId);
        var upload = await arrange.Get<ScreenshotService>().UploadAsync(Code, sourceId, ImageCorpus.ScreenshotPng(640, 480), ScreenshotOrigin.Upload, await arrange.IdOfAsync(volunteer));
        await arrange.Get<ScreenshotService>().ApproveAsync(upload.Id, await arrange.IdOfAsync(lead));

        var editBatchId = await arrange.Get<EditService>().OpenAsync(new NewEditForm
        {
            JurisdictionCode = Code,
            From = new DateTime(2020, 11, 1),
            To = new DateTime(2020, 11, 3),
            Note = "Pennsylvania restated its early November cases after removing duplicates reported by two counties",
            Link = LongUrl,
        }, adminId);

        var snapshot = await arrange.Get<SnapshotService>().MakeAsync("test", adminId);
        Assert.True(snapshot.SnapshotId is not null, snapshot.Message);

        // Everyone who opens the authenticator page already has a key: opening it then changes nothing
        // (the first visit would make a key, which ends the person's other sessions).
        var users = arrange.Get<UserManager<CovidEntry.App.Data.ApplicationUser>>();
        foreach (var email in new[] { volunteer, lead, admin })
        {
            await users.ResetAuthenticatorKeyAsync((await users.FindByEmailAsync(email))!);
        }

        return new People(
            new Dictionary<string, string?>
            {
                [RouteAccessTable.Anonymous] = null,
                [RouteAccessTable.Volunteer] = volunteer,
                [RouteAccessTable.Lead] = lead,
                [RouteAccessTable.Admin] = admin,
            },
            shift.Id, passEntry, mismatch, editBatchId, snapshot.SnapshotId!.Value);
    }

    private sealed record People(IReadOnlyDictionary<string, string?> Emails, Guid ShiftId, Guid PassEntryId, Guid MismatchEntryId, Guid EditBatchId, Guid SnapshotId);
}
