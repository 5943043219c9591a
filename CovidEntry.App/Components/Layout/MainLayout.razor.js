// The browser's time zone (an IANA name such as "America/New_York"), read once per page session.
export function timeZone() {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    } catch {
        return "UTC";
    }
}
