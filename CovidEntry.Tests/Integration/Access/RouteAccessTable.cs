using static CovidEntry.Tests.Integration.Outcome;

namespace CovidEntry.Tests.Integration;

/// <summary>What a request gets past authorization.</summary>
public enum Outcome
{
    /// <summary>Authorization let it through: the page or file, a "not found" message, a redirect elsewhere, a 400.</summary>
    Allowed,

    /// <summary>Sent to sign in by authorization: 302 to /Account/Login?ReturnUrl=…, or 401.</summary>
    SignIn,

    /// <summary>Signed in but refused by authorization: 302 to /Account/AccessDenied?ReturnUrl=…, or 403.</summary>
    Denied,

    /// <summary>The server failed (5xx): that proves nothing about authorization, so it never matches a row.</summary>
    ServerError,
}

/// <summary>What each of the four kinds of visitor gets on a route.</summary>
public sealed record Access(Outcome Anonymous, Outcome Volunteer, Outcome Lead, Outcome Admin)
{
    public Outcome For(string visitor) => visitor switch
    {
        RouteAccessTable.Anonymous => Anonymous,
        RouteAccessTable.Volunteer => Volunteer,
        RouteAccessTable.Lead => Lead,
        RouteAccessTable.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(visitor), visitor, null),
    };
}

/// <summary>
/// Who may open each route of the app: the explicit table <see cref="RouteAccessTests"/> checks the
/// running app against. Every route the app answers needs a row, keyed by its route pattern as the
/// app declares it (the <c>@page</c> text, or the pattern of a mapped endpoint with its group's
/// prefix). A new page or endpoint without a row fails the test, which names it: add the row here,
/// with the access DESIGN.md's users table gives it. A row for a route that is gone fails too.
/// </summary>
public static class RouteAccessTable
{
    public const string Anonymous = "anonymous";
    public const string Volunteer = "volunteer";
    public const string Lead = "lead";
    public const string Admin = "admin";

    public static readonly string[] Visitors = [Anonymous, Volunteer, Lead, Admin];

    /// <summary>The row that covers every file served by MapStaticAssets (scripts, styles, images).</summary>
    public const string StaticAssets = "(static web assets)";

    /// <summary>The public: no sign-in.</summary>
    public static readonly Access Everyone = new(Allowed, Allowed, Allowed, Allowed);

    /// <summary>Anyone signed in on the project (Policies.EnterData, ReadHistory, ManageOwnAccount).</summary>
    public static readonly Access SignedIn = new(SignIn, Allowed, Allowed, Allowed);

    /// <summary>Shift leads and admins (Policies.RunShifts).</summary>
    public static readonly Access LeadsAndAdmins = new(SignIn, Denied, Allowed, Allowed);

    /// <summary>Admins only (Policies.Administer).</summary>
    public static readonly Access Admins = new(SignIn, Denied, Denied, Allowed);

    public static IReadOnlyDictionary<string, Access> Rows { get; } = new Dictionary<string, Access>(StringComparer.Ordinal)
    {
        // Public pages and files (DESIGN.md "Public surface").
        ["/"] = Everyone,
        ["/data"] = Everyone,
        ["/data/{Code}"] = Everyone,
        ["/data/{Code}/screenshots"] = Everyone,
        ["/data/public-key.pem"] = Everyone,
        ["/data/snapshots/{Id:guid}"] = Everyone,
        ["/data/snapshots/{id:guid}/{name}"] = Everyone,
        ["/data/snapshots/{id:guid}/changelog.json"] = Everyone,
        ["/data/snapshots/{id:guid}/manifest.json"] = Everyone,
        ["/data/snapshots/{id:guid}/SHA256SUMS"] = Everyone,
        ["/data/snapshots/{id:guid}/SHA256SUMS.sig"] = Everyone,
        ["/data/snapshots/{id:guid}/public-key.pem"] = Everyone,
        ["/data/snapshots/latest/{name}"] = Everyone,
        ["/api/v1/states/daily.{format}"] = Everyone,
        ["/api/v1/states/{code}/daily.{format}"] = Everyone,
        ["/api/v1/states/current.{format}"] = Everyone,
        ["/api/v1/states/info.{format}"] = Everyone,
        ["/api/v1/us/daily.{format}"] = Everyone,
        ["/api/v2/states/{code}/daily.json"] = Everyone,
        ["/api/v2/states/{code}/screenshots.json"] = Everyone,
        ["/screenshots/{sha256:regex(^[0-9a-f]{{64}}$)}"] = Everyone,
        ["/screenshots/{sha256:regex(^[0-9a-f]{{64}}$)}/thumbnail"] = Everyone,
        ["/openapi/{documentName}.json"] = Everyone,
        ["/api/docs/{documentName?}"] = Everyone,
        ["/api/docs/favicon.svg"] = Everyone,
        ["/api/docs/scalar.aspnetcore.js"] = Everyone,
        ["/api/docs/scalar.js"] = Everyone,
        ["/healthz"] = Everyone,
        ["/healthz/ready"] = Everyone,
        ["/Error"] = Everyone,
        ["/not-found"] = Everyone,

        // Blazor's own plumbing: the circuit checks each page's policy again as it renders it.
        ["/_blazor"] = Everyone,
        ["/_blazor/negotiate"] = Everyone,
        ["/_blazor/initializers/"] = Everyone,
        ["/_blazor/disconnect/"] = Everyone,
        ["/_framework/opaque-redirect"] = Everyone,
        [StaticAssets] = Everyone,

        // Files of the build output that are not in the static assets manifest (development only).
        ["{**path:file}"] = Everyone,

        // Signing in, and the pages around it.
        ["/Account/Login"] = Everyone,
        ["/Account/LoginWith2fa"] = Everyone,
        ["/Account/LoginWithRecoveryCode"] = Everyone,
        ["/Account/Logout"] = Everyone,
        ["/Account/AccessDenied"] = Everyone,
        ["/Account/AcceptInvite"] = Everyone,
        ["/Account/ConfirmEmail"] = Everyone,
        ["/Account/ConfirmEmailChange"] = Everyone,
        ["/Account/InvalidPasswordReset"] = Everyone,
        ["/Account/InvalidUser"] = Everyone,
        ["/Account/PasskeyCreationOptions"] = Everyone,
        ["/Account/PasskeyRequestOptions"] = Everyone,

        // Slides the idle timeout of a signed-in session; answers 401 (not a redirect) to anyone else.
        ["/Account/KeepAlive"] = SignedIn,

        // One's own account (Policies.ManageOwnAccount).
        ["/Account/Manage"] = SignedIn,
        ["/Account/Manage/ChangePassword"] = SignedIn,
        ["/Account/Manage/DeletePersonalData"] = SignedIn,
        ["/Account/Manage/Disable2fa"] = SignedIn,
        ["/Account/Manage/DownloadPersonalData"] = SignedIn,
        ["/Account/Manage/Email"] = SignedIn,
        ["/Account/Manage/EnableAuthenticator"] = SignedIn,
        ["/Account/Manage/GenerateRecoveryCodes"] = SignedIn,
        ["/Account/Manage/Passkeys"] = SignedIn,
        ["/Account/Manage/PersonalData"] = SignedIn,
        ["/Account/Manage/RenamePasskey/{Id}"] = SignedIn,
        ["/Account/Manage/ResetAuthenticator"] = SignedIn,
        ["/Account/Manage/SetPassword"] = SignedIn,
        ["/Account/Manage/TwoFactorAuthentication"] = SignedIn,

        // Entering data (Policies.EnterData) and reading history (Policies.ReadHistory). Which pass a
        // volunteer may open is the record-level rule of EntryService, checked in RecordAccessTests.
        ["/work"] = SignedIn,
        ["/entries/{EntryId:guid}/pass/{PassNumber:int}"] = SignedIn,
        ["/history"] = SignedIn,
        ["/history/{Code}"] = SignedIn,
        ["/history/{Code}/{Date:datetime}/{MetricKey}"] = SignedIn,

        // Running shifts and looking after the data (Policies.RunShifts).
        ["/shifts"] = LeadsAndAdmins,
        ["/shifts/new"] = LeadsAndAdmins,
        ["/shifts/{ShiftId:guid}"] = LeadsAndAdmins,
        ["/shifts/{ShiftId:guid}/review"] = LeadsAndAdmins,
        ["/entries/{EntryId:guid}/reconcile"] = LeadsAndAdmins,
        ["/edits"] = LeadsAndAdmins,
        ["/edits/{BatchId:guid}"] = LeadsAndAdmins,
        ["/jurisdictions"] = LeadsAndAdmins,
        ["/quality/muted-warnings"] = LeadsAndAdmins,
        ["/screenshots/captures"] = LeadsAndAdmins,
        ["/staleness"] = LeadsAndAdmins,
        ["/stats/double-entry"] = LeadsAndAdmins,

        // The audit trail: admins see all of it, leads the events of their shifts (AuditQueries).
        ["/admin/audit"] = LeadsAndAdmins,
        ["/admin/audit/export.csv"] = LeadsAndAdmins,

        // Administration (Policies.Administer).
        ["/admin/users"] = Admins,
        ["/admin/metrics"] = Admins,
        ["/admin/import"] = Admins,
        ["/admin/snapshots"] = Admins,
        ["/jurisdictions/{Code}/sources"] = Admins,
    };

    /// <summary>
    /// Values for route parameters, by name. A record that does not exist is fine: the page says
    /// so, which shows authorization let the request through.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Samples { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Id"] = "0193a1b2-0000-7000-8000-000000000001",
        ["EntryId"] = "0193a1b2-0000-7000-8000-000000000002",
        ["ShiftId"] = "0193a1b2-0000-7000-8000-000000000003",
        ["BatchId"] = "0193a1b2-0000-7000-8000-000000000004",
        ["PassNumber"] = "1",
        ["Code"] = "NY",
        ["Date"] = "2020-11-14",
        ["MetricKey"] = "positive",
        ["format"] = "json",
        ["name"] = "states-daily.csv",
        ["documentName"] = "v1",
        ["sha256"] = new string('0', 64),
        ["path"] = "no-such-file.txt",
    };
}
