// Keyboard-first entry: Enter moves to the next field in catalog order, Ctrl+Enter (or
// Cmd+Enter) submits, and a spreadsheet row pasted into a metric field goes to the server,
// which spreads it over that field and the ones after it.

function fields(container) {
    return Array.from(container.querySelectorAll("input[data-metric], input[data-field], textarea[data-field]"))
        .filter(f => !f.disabled && !f.readOnly);
}

export function attach(container, dotnet, initialFocus) {
    const onKeyDown = event => {
        if (event.key !== "Enter" || event.isComposing) {
            return;
        }

        if (event.ctrlKey || event.metaKey) {
            event.preventDefault();
            // Let the field's own input event reach the server before the submit click does.
            setTimeout(() => document.querySelector("[data-shortcut='submit']")?.click(), 0);
            return;
        }

        // Enter in a note starts a new line; everywhere else it moves on.
        if (event.target.tagName === "TEXTAREA" || event.shiftKey) {
            return;
        }

        const list = fields(container);
        const index = list.indexOf(event.target);
        if (index >= 0 && index + 1 < list.length) {
            event.preventDefault();
            list[index + 1].focus();
            list[index + 1].select?.();
        }
    };

    const onPaste = event => {
        const field = event.target.closest?.("input[data-metric]");
        const text = event.clipboardData?.getData("text/plain") ?? "";
        if (!field || !text.includes("\t")) {
            return;
        }

        event.preventDefault();
        dotnet.invokeMethodAsync("PasteRowAsync", field.dataset.metric, text);
    };

    container.addEventListener("keydown", onKeyDown);
    container.addEventListener("paste", onPaste);

    // Only where the person has not already started: on a slow line they may be typing in a
    // field before this runs, and taking the focus away would send their keys to another field.
    if (initialFocus && !container.contains(document.activeElement)) {
        const field = container.querySelector(`[data-metric="${CSS.escape(initialFocus)}"], [data-field="${CSS.escape(initialFocus)}"]`);
        field?.focus();
    }

    // Tells whoever watches (a test, a screen reader script) that the shortcuts work from now on.
    container.dataset.keyboard = "ready";

    return {
        detach() {
            delete container.dataset.keyboard;
            container.removeEventListener("keydown", onKeyDown);
            container.removeEventListener("paste", onPaste);
        },
    };
}
