// The calculator's forms: reads the policy data and the translated strings that the
// build embeds as JSON, fills in today's date, and writes each answer with textContent.
// Without JavaScript, style.css hides the forms. The rules live in calculator-core.js.

import {
  paymentOptions,
  returnEligibility,
  shipByDate,
  shippingFee,
  todayInShopTimeZone,
} from "./calculator-core.js";
import { fill, gettext, lang, moneyDisplay, ngettext, readJson } from "./ui-strings.js";

const data = readJson("calculator-data");

function money(amount, currency) {
  return new Intl.NumberFormat(lang, {
    style: "currency",
    currency,
    currencyDisplay: moneyDisplay,
  }).format(amount);
}

/** An ISO date in words, as Babel writes it in the page ("full" style), never shifted by time zone. */
function longDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return new Intl.DateTimeFormat(lang, { dateStyle: "full", timeZone: "UTC" }).format(date);
}

function show(form, sentences, tone) {
  const result = form.querySelector("[data-result]");
  result.dataset.tone = tone;
  result.replaceChildren(
    ...sentences.map((text) => {
      const paragraph = document.createElement("p");
      paragraph.textContent = text;
      return paragraph;
    }),
  );
}

function selectedText(select) {
  return select.options[select.selectedIndex]?.textContent.trim() ?? "";
}

// --- Shipping cost and payment ------------------------------------------------------

function shippingAnswer(form) {
  const country = form.elements.country;
  const card = form.elements.card;
  const fee = shippingFee(data, country.value);
  if (fee.error) return show(form, [gettext("Please choose a destination.")], "error");
  const place = selectedText(country);
  const sentences = [];
  if (fee.zone === "domestic") {
    sentences.push(fill(gettext("Shipping within Japan costs %(fee)s, the same anywhere in the country."), { fee: money(fee.fee, fee.currency) }));
  } else if (fee.exact) {
    sentences.push(fill(gettext("Shipping to %(country)s costs %(fee)s."), { country: place, fee: money(fee.fee, fee.currency) }));
  } else {
    sentences.push(fill(gettext("Shipping to %(country)s costs about %(fee)s. This is an estimate: the exact cost is shown at checkout."), { country: place, fee: money(fee.fee, fee.currency) }));
  }
  const payment = paymentOptions(data, { countryCode: country.value, cardBrand: card.value || null });
  if (payment.cardOnly) sentences.push(gettext("Orders shipped outside Japan can be paid by credit card only."));
  const cardName = selectedText(card);
  if (payment.method === "direct") sentences.push(fill(gettext("%(card)s can be used at checkout."), { card: cardName }));
  if (payment.method === "paypal") sentences.push(fill(gettext("%(card)s can be used by paying through PayPal."), { card: cardName }));
  if (payment.method === "not_accepted") sentences.push(fill(gettext("Sorry, %(card)s cannot be used."), { card: cardName }));
  show(form, sentences, payment.method === "not_accepted" ? "warning" : "ok");
}

// --- Dispatch date -----------------------------------------------------------------

function calendarLimits(result) {
  return fill(gettext("The calculator knows the shop's calendar from %(first)s to %(last)s. For other dates, please contact us."), {
    first: longDate(result.first),
    last: longDate(result.last),
  });
}

function dispatchAnswer(form) {
  const kind = form.elements.kind.value;
  const result = shipByDate(data, form.elements.orderDate.value, kind);
  if (result.error === "invalid_date") return show(form, [gettext("Please enter a valid date.")], "error");
  if (result.error) return show(form, [calendarLimits(result)], "error");
  if (kind === "in_stock") {
    return show(form, [fill(gettext("Your order ships by %(date)s."), { date: longDate(result.shipBy) })], "ok");
  }
  const range = { earliest: longDate(result.earliest), latest: longDate(result.latest) };
  const sentences = [fill(gettext("Made-to-order items usually ship between %(earliest)s and %(latest)s."), range)];
  if (kind === "mixed" && result.shipsTogether) {
    sentences.push(gettext("Everything in the order ships together once all items are ready."));
  }
  sentences.push(gettext("The product page shows the expected delivery date of each made-to-order item."));
  show(form, sentences, "ok");
}

// --- Returns and exchanges ---------------------------------------------------------

function returnsAnswer(form) {
  const today = todayInShopTimeZone(new Date(), data.timezone);
  const answer = returnEligibility(data, {
    arrivalDate: form.elements.arrivalDate.value,
    today,
    reason: form.elements.reason.value,
    gift: form.elements.gift.checked,
  });
  const deadline = answer.deadline ? longDate(answer.deadline) : "";
  const sentences = {
    invalid_date: [gettext("Please enter a valid date.")],
    refused_reason: [gettext("Sorry, we cannot accept a return or exchange for this reason.")],
    unknown_reason: [gettext("Please choose a reason.")],
    not_arrived_yet: [gettext("That date is after today in Japan. Please enter the date the item arrived.")],
    window_passed: [fill(gettext("Sorry, the last day to ask for a return or exchange was %(date)s."), { date: deadline })],
  }[answer.code];
  if (sentences) return show(form, sentences, answer.code === "invalid_date" ? "error" : "warning");
  const accepted = [fill(gettext("You can ask for a return or exchange until %(date)s."), { date: deadline })];
  accepted.push(
    answer.daysLeft === 0
      ? gettext("Today is the last day: please contact us today.")
      : fill(ngettext("%(count)d day left.", "%(count)d days left.", answer.daysLeft), { count: answer.daysLeft }),
  );
  if (answer.notes.includes("gift_exchange_same_design_and_size")) {
    accepted.push(gettext("As you received it as a gift, it can be exchanged for the same design in the same size only."));
  }
  show(form, accepted, "ok");
}

// --- Wiring ------------------------------------------------------------------------

const ANSWERS = { shipping: shippingAnswer, dispatch: dispatchAnswer, returns: returnsAnswer };

function start() {
  if (!data) return;
  const today = todayInShopTimeZone(new Date(), data.timezone);
  for (const form of document.querySelectorAll("form[data-tool]")) {
    const answer = ANSWERS[form.dataset.tool];
    for (const input of form.querySelectorAll('input[type="date"]')) {
      input.value = today;
      input.max = data.dispatch.calendar.last;
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      answer(form);
    });
    form.addEventListener("change", () => answer(form));
  }
}

start();
