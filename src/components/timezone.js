// Times are shown in UTC; a switch lets the reader see them in their own zone. The choice is kept
// in localStorage, so it follows the reader from page to page.
import * as Inputs from "@observablehq/inputs";

const KEY = "prevision.zone";

/**
 * The reader's IANA time zone ("Europe/Paris"), or "UTC" when the browser does not say.
 * @example readerZone() // "Europe/Paris"
 */
export function readerZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/**
 * A radio input "Times in: UTC | your zone (Europe/Paris)", keyboard-usable; its value is "UTC" or
 * the reader's zone. Use with Framework's `view()`: `const zone = view(zoneSwitch());`
 * @example const zone = view(zoneSwitch());
 */
export function zoneSwitch() {
  const local = readerZone();
  const options = local === "UTC" ? ["UTC"] : ["UTC", local];
  let saved = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    // storage disabled: start in UTC
  }
  const input = Inputs.radio(options, {
    label: "Times in",
    value: options.includes(saved) ? saved : "UTC",
    format: (z) => (z === "UTC" ? "UTC" : `your zone (${z})`),
  });
  input.classList.add("pv-zone");
  input.addEventListener("input", () => {
    try {
      localStorage.setItem(KEY, input.value);
    } catch {
      // storage disabled: the choice lasts for this page
    }
  });
  return input;
}

const formats = new Map();

/**
 * A time as "2024-06-01 00:00 UTC", or in another IANA zone as "2024-06-01 02:00 CEST".
 * @example formatTime("2024-06-01T00:00:00Z", "Europe/Paris") // "2024-06-01 02:00 CEST"
 */
export function formatTime(iso, zone = "UTC") {
  if (iso == null || iso === "") return "—";
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  if (zone === "UTC") return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  if (!formats.has(zone)) {
    formats.set(
      zone,
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZoneName: "short",
      }),
    );
  }
  const p = Object.fromEntries(formats.get(zone).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName ?? zone}`;
}

/**
 * The Plot time scale for a zone: "utc" for UTC, "time" (the browser's own zone) otherwise.
 * @example Plot.plot({ x: { type: timeScale(zone) }, … })
 */
export function timeScale(zone = "UTC") {
  return zone === "UTC" ? "utc" : "time";
}

/**
 * An axis label naming the zone: "Time (UTC)", "Time (Europe/Paris)".
 * @example timeLabel("UTC") // "Time (UTC)"
 */
export function timeLabel(zone = "UTC") {
  return `Time (${zone})`;
}
