// The screenshot viewer's hands: drag to pan, drag to mark a region (in marking mode), the
// Alt shortcuts for zoom and switching, and pasting an image from the clipboard.

const shortcuts = {
    Equal: "zoom-in", NumpadAdd: "zoom-in", Minus: "zoom-out", NumpadSubtract: "zoom-out",
    Digit0: "fit", Digit1: "actual", Period: "next", Comma: "previous", KeyC: "compare", KeyM: "mark",
};

export function attach(viewer, dotnet) {
    let drag = null;

    const onKeyDown = event => {
        if (!event.altKey || event.ctrlKey || event.metaKey || !(event.code in shortcuts)) {
            return;
        }

        event.preventDefault();
        dotnet.invokeMethodAsync("ShortcutAsync", shortcuts[event.code]);
    };

    const onPaste = event => {
        const files = Array.from(event.clipboardData?.items ?? [])
            .filter(item => item.kind === "file" && item.type.startsWith("image/"))
            .map(item => item.getAsFile());
        if (files.length === 0) {
            return;
        }

        event.preventDefault();
        const file = files[0];
        dotnet.invokeMethodAsync("PastedAsync", DotNet.createJSStreamReference(file), file.size);
    };

    const onPointerDown = event => {
        const scroller = event.target.closest(".viewer-scroll");
        if (!scroller || event.button !== 0) {
            return;
        }

        event.preventDefault();
        const canvas = scroller.querySelector(".viewer-canvas");
        if (viewer.dataset.marking === "true" && canvas) {
            const box = canvas.getBoundingClientRect();
            const band = document.createElement("div");
            band.className = "viewer-band";
            canvas.appendChild(band);
            drag = { kind: "mark", canvas, band, box, x: event.clientX - box.left, y: event.clientY - box.top };
        } else {
            drag = { kind: "pan", scroller, x: event.clientX, y: event.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
        }
    };

    const onPointerMove = event => {
        if (!drag) {
            return;
        }

        if (drag.kind === "pan") {
            drag.scroller.scrollLeft = drag.left - (event.clientX - drag.x);
            drag.scroller.scrollTop = drag.top - (event.clientY - drag.y);
            return;
        }

        const r = rect(drag, event);
        Object.assign(drag.band.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    };

    const onPointerUp = event => {
        if (drag?.kind === "mark") {
            const r = rect(drag, event);
            drag.band.remove();
            if (r.w > 3 && r.h > 3) {
                dotnet.invokeMethodAsync("RegionMarkedAsync", r.x / drag.box.width, r.y / drag.box.height, r.w / drag.box.width, r.h / drag.box.height);
            }
        }

        drag = null;
    };

    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("paste", onPaste);
    viewer.addEventListener("pointerdown", onPointerDown);
    window.addEventListener("pointermove", onPointerMove);
    window.addEventListener("pointerup", onPointerUp);
    viewer.dataset.ready = "true";

    return {
        detach() {
            document.removeEventListener("keydown", onKeyDown);
            document.removeEventListener("paste", onPaste);
            viewer.removeEventListener("pointerdown", onPointerDown);
            window.removeEventListener("pointermove", onPointerMove);
            window.removeEventListener("pointerup", onPointerUp);
        },
    };
}

function rect(drag, event) {
    const clamp = (v, max) => Math.max(0, Math.min(v, max));
    const x2 = clamp(event.clientX - drag.box.left, drag.box.width);
    const y2 = clamp(event.clientY - drag.box.top, drag.box.height);
    const x1 = clamp(drag.x, drag.box.width);
    const y1 = clamp(drag.y, drag.box.height);
    return { x: Math.min(x1, x2), y: Math.min(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) };
}
