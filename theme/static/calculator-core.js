// Pure logic of the Milamore shipping / delivery / return-window calculator.
//
// Every fee, day count, card and holiday comes from `data`, the JSON the build makes
// from content/policies.yaml (helpcenter/calculator.py: calculator_data). This module
// has no DOM access and no imports; helpcenter/calculator.py is its reference and
// tests/test_calculator_js.py checks that both give the same results.
//
// Dates cross the interface as ISO "YYYY-MM-DD" strings: calendar dates in the shop's
// time zone. Internally a date is a whole number of days since 1970-01-01 and every
// Date object is read and written with its UTC methods only, so no answer depends on
// the time zone of the customer's browser. Bad input gives a result with an `error`
// (or `code`) field, never an exception.

const DAY_MS = 86400000;
const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]; // getUTCDay() order
const KINDS = ["in_stock", "made_to_order", "mixed"];
// The destination "another country or region": any country outside Japan that the page
// does not list by name (the shop publishes no rate for it, or one rate for all of them).
export const OTHER_DESTINATION = "other";
const GIFT_NOTE = "gift_exchange_same_design_and_size";
const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const MAX_YEAR = 9999; // as Python's date: later dates are "invalid", not a 5-digit year

// --- Dates -------------------------------------------------------------------------

function isLeapYear(year) {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year, month) {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Day number of a year / month / day; setUTCFullYear, because Date.UTC maps 0-99 to 19xx. */
function dayNumber(year, month, day) {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

function civil(days) {
  const date = new Date(days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Day number of a real date written exactly YYYY-MM-DD, else null (2026-02-30 is null). */
export function parseIsoDate(value) {
  if (typeof value !== "string" || !ISO_DATE.test(value)) return null;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  return dayNumber(year, month, day);
}

/** ISO string of a day number, or null past year 9999 (where Python's date stops). */
export function formatIsoDate(days) {
  const { year, month, day } = civil(days);
  if (year < 1 || year > MAX_YEAR) return null;
  const pad = (number, width) => String(number).padStart(width, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Calendar months, clamped to the month's end: 31 Jan + 1 month = 28 (29) Feb. */
function addMonths(days, months) {
  const { year, month, day } = civil(days);
  const index = month - 1 + months;
  const newYear = year + Math.floor(index / 12);
  const newMonth = (index % 12) + 1;
  if (newYear < 1 || newYear > MAX_YEAR) return null;
  return dayNumber(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth)));
}

function shift(days, count) {
  return formatIsoDate(days + count) === null ? null : days + count;
}

/** Today's date (ISO) in the shop's time zone: the default date the calculator shows. */
export function todayInShopTimeZone(now = new Date(), timeZone = "Asia/Tokyo") {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(now);
  const part = (type) => parts.find((item) => item.type === type).value;
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`;
}

/** Binary search: the lists are sorted and searched once per day counted. */
function includesSorted(sortedItems, item) {
  let low = 0;
  let high = sortedItems.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedItems[middle] < item) low = middle + 1;
    else high = middle;
  }
  return low < sortedItems.length && sortedItems[low] === item;
}

// --- Shipping fee ------------------------------------------------------------------

/** null for a known ISO 3166 alpha-2 code in any letter case or for "other", else the error. */
function countryError(data, value) {
  if (value === OTHER_DESTINATION) return null;
  if (typeof value !== "string" || !COUNTRY_CODE.test(value)) return { error: "invalid_country" };
  if (!includesSorted(data.shipping.countries, value.toUpperCase())) {
    return { error: "unknown_country" };
  }
  return null;
}

function fee(data, amount, zone, country) {
  return { fee: amount, currency: data.currency, zone, country, atCheckout: false };
}

/**
 * Fee to one destination: {fee, currency, zone, country, atCheckout} or {error}.
 * Only a rate the shop has published is a fee; for any other destination fee is null
 * and atCheckout is true: the cost is shown at checkout, never an invented estimate.
 * countryCode is an ISO code or "other" (outside Japan, not listed by name).
 */
export function shippingFee(data, countryCode) {
  const error = countryError(data, countryCode);
  if (error) return error;
  const code = countryCode === OTHER_DESTINATION ? countryCode : countryCode.toUpperCase();
  const { domestic, overseas } = data.shipping;
  if (code === domestic.country) return fee(data, domestic.fee, "domestic", code);
  const zone = overseas.zones.find((item) => item.countries.includes(code));
  if (zone) return fee(data, zone.fee, zone.id, code);
  if (overseas.rest_of_world !== null) {
    return fee(data, overseas.rest_of_world.fee, "rest_of_world", code);
  }
  return { fee: null, currency: data.currency, zone: null, country: code, atCheckout: true };
}

// --- Payment -----------------------------------------------------------------------

function cardMethod(payment, card) {
  const lists = [["cards_direct", "direct"], ["cards_via_paypal", "paypal"],
    ["cards_not_accepted", "not_accepted"]];
  for (const [key, method] of lists) {
    if (payment[key].some((item) => item.id === card)) return method;
  }
  return "unknown_card";
}

/**
 * How a card can be used for one destination: {method, cardOnly, overseas} or {error}.
 * method: "direct" | "paypal" | "not_accepted" | "unknown_card", null when no card given.
 */
export function paymentOptions(data, request) {
  const { countryCode, cardBrand } = request !== null && typeof request === "object" ? request : {};
  const error = countryError(data, countryCode);
  if (error) return error;
  const overseas = countryCode === OTHER_DESTINATION
    || countryCode.toUpperCase() !== data.shipping.domestic.country;
  const noCard = cardBrand === undefined || cardBrand === null;
  return {
    method: noCard ? null : cardMethod(data.payment, cardBrand),
    cardOnly: overseas && data.payment.overseas_card_only,
    overseas,
  };
}

// --- Dispatch ----------------------------------------------------------------------

/** A weekday the shop works that is neither a national holiday nor a closure day. */
function isBusinessDay(data, days) {
  const { weekdays, closed_dates: closedDates } = data.dispatch;
  const weekday = WEEKDAY_NAMES[new Date(days * DAY_MS).getUTCDay()];
  return weekdays.includes(weekday) && !includesSorted(closedDates, formatIsoDate(days));
}

/** The in_stock_business_days-th business day after `order`, null past `last`. */
function nthBusinessDayAfter(data, order, last) {
  let left = data.dispatch.in_stock_business_days;
  let day = order;
  while (left > 0) {
    day += 1;
    if (day > last) return null;
    if (isBusinessDay(data, day)) left -= 1;
  }
  return day;
}

function outside(calendar) {
  return { error: "outside_calendar", first: calendar.first, last: calendar.last };
}

/** The month and its third (early / mid / late = 上旬 / 中旬 / 下旬), never an exact day. */
function partOfMonth(days) {
  const { year, month, day } = civil(days);
  const part = day <= 10 ? "early" : day <= 20 ? "mid" : "late";
  return { month: `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`, part };
}

function madeToOrder(data, paid, kind, last) {
  const { made_to_order_months: months, calendar } = data.dispatch;
  const earliest = addMonths(paid, months.min);
  const latest = addMonths(paid, months.max);
  if (earliest === null || latest === null || latest > last) return outside(calendar);
  const result = { kind, from: partOfMonth(earliest), to: partOfMonth(latest) };
  if (kind === "mixed") {
    result.shipsTogether = data.dispatch.mixed_orders_ship_together;
    if (!result.shipsTogether) {
      const shipBy = nthBusinessDayAfter(data, paid, last);
      if (shipBy === null) return outside(calendar);
      result.shipBy = formatIsoDate(shipBy);
    }
  }
  return result;
}

/**
 * When an order ships, for kind "in_stock", "made_to_order" or "mixed".
 * in_stock (date = order date): {kind, shipBy}, the Nth business day strictly after it.
 * made_to_order and mixed (date = PAYMENT date: production starts after payment):
 * {kind, from, to}, the approximate period in months as the shop states it, each end
 * {month: "YYYY-MM", part: "early" | "mid" | "late"} = payment date + min / max months.
 * mixed adds shipsTogether (everything ships once all is ready); when the policy lets
 * in-stock items go first, shipBy is given too.
 * Errors: {error: "invalid_date"}, {error: "unknown_kind"},
 * {error: "outside_calendar", first, last}.
 */
export function shipByDate(data, date, kind) {
  const start = parseIsoDate(date);
  if (start === null) return { error: "invalid_date" };
  if (typeof kind !== "string" || !KINDS.includes(kind)) return { error: "unknown_kind" };
  const { calendar } = data.dispatch;
  const first = parseIsoDate(calendar.first);
  const last = parseIsoDate(calendar.last);
  if (start < first || start > last) return outside(calendar);
  if (kind === "in_stock") {
    const shipBy = nthBusinessDayAfter(data, start, last);
    return shipBy === null ? outside(calendar) : { kind, shipBy: formatIsoDate(shipBy) };
  }
  return madeToOrder(data, start, kind, last);
}

// --- Returns -----------------------------------------------------------------------

function deadlineOf(data, arrival) {
  return shift(arrival, data.returns.window_days - 1);
}

/**
 * The LAST calendar day (ISO) on which a return / exchange request is accepted, or
 * {error: "invalid_date"}. Items are refused once window_days days have passed since
 * arrival; on the arrival day 0 days have passed, so the last day is
 * arrival + (window_days - 1) calendar days (holidays count).
 */
export function returnDeadline(data, arrivalDate) {
  const arrival = parseIsoDate(arrivalDate);
  const deadline = arrival === null ? null : deadlineOf(data, arrival);
  return deadline === null ? { error: "invalid_date" } : formatIsoDate(deadline);
}

function invalidDate(field) {
  return {
    accepted: false, code: "invalid_date", field, deadline: null, daysLeft: null, notes: [],
  };
}

function returnCode(returns, reason, arrival, today, deadline) {
  if (returns.refused_reasons.some((item) => item.id === reason)) return "refused_reason";
  if (!returns.accepted_reasons.some((item) => item.id === reason)) return "unknown_reason";
  if (today < arrival) return "not_arrived_yet";
  return today > deadline ? "window_passed" : "accepted";
}

/**
 * Whether a return / exchange request made `today` is accepted.
 * request: {arrivalDate, today, reason, gift}.
 * Result: {accepted, code, deadline, daysLeft, notes} (+ field for invalid_date); code is
 * accepted | window_passed | not_arrived_yet | refused_reason | unknown_reason |
 * invalid_date. A refused reason is refused whatever the dates.
 */
export function returnEligibility(data, request) {
  const input = request !== null && typeof request === "object" ? request : {};
  const arrival = parseIsoDate(input.arrivalDate);
  const deadline = arrival === null ? null : deadlineOf(data, arrival);
  if (deadline === null) return invalidDate("arrivalDate");
  const today = parseIsoDate(input.today);
  if (today === null) return invalidDate("today");
  const code = returnCode(data.returns, input.reason, arrival, today, deadline);
  const gift = input.gift === true && data.returns[GIFT_NOTE];
  return {
    accepted: code === "accepted",
    code,
    deadline: formatIsoDate(deadline),
    daysLeft: deadline - today,
    notes: gift && code === "accepted" ? [GIFT_NOTE] : [],
  };
}
