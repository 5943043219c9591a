// Keeps the sign-in's idle timeout true on interactive pages. Their circuit talks over a WebSocket,
// which never renews the sign-in cookie: while the person types or clicks, touch the server now and
// then so the cookie slides as it would on page loads. Once they have done nothing for the idle
// time (the cookie has lapsed as well), reload: the sign-in page then replaces the work on screen.
(() => {
    const script = document.currentScript;
    const idleMs = Number(script?.dataset.idleSeconds) * 1000;
    const keepAliveUrl = script?.dataset.keepAliveUrl;
    if (!(idleMs > 0) || !keepAliveUrl) {
        return;
    }

    const pingEveryMs = Math.min(60_000, idleMs / 3);
    let lastInput = Date.now();
    let lastPing = lastInput;
    for (const type of ["keydown", "pointerdown", "wheel", "touchstart"]) {
        addEventListener(type, () => { lastInput = Date.now(); }, { capture: true, passive: true });
    }

    setInterval(async () => {
        const now = Date.now();
        if (now - lastInput >= idleMs) {
            location.reload();
            return;
        }

        if (lastInput > lastPing && now - lastPing >= pingEveryMs) {
            lastPing = now;
            try {
                const response = await fetch(keepAliveUrl, { credentials: "same-origin", cache: "no-store" });
                if (response.status === 401) {
                    // Signed out elsewhere, disabled, or past the absolute limit.
                    location.reload();
                }
            } catch {
                // Offline for a moment: the circuit's reconnect dialog already says so.
            }
        }
    }, Math.min(5_000, pingEveryMs));
})();
