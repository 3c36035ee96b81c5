// The calculator's forms: reads the policy data and the translated strings that the
// build embeds as JSON, fills in today's date, and writes each answer as text nodes
// (the contact address as a link element), never as HTML.
// Without JavaScript, style.css hides the forms. The rules live in calculator-core.js.

import {
  OTHER_DESTINATION,
  paymentOptions,
  returnEligibility,
  shipByDate,
  shippingFee,
  todayInShopTimeZone,
} from "./calculator-core.js";
import { fill, gettext, lang, moneyDisplay, ngettext, readJson } from "./ui-strings.js";

const data = readJson("calculator-data");
// Facts the build writes in the page's language: the contact address, the return
// window in words, the sentence about cards through PayPal (calculator_page.page_facts).
const facts = readJson("calculator-facts") ?? {};

function money(amount, currency) {
  return new Intl.NumberFormat(lang, {
    style: "currency",
    currency,
    currencyDisplay: moneyDisplay,
  }).format(amount);
}

function utcDate(year, month, day) {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

/**
 * An ISO date in words with its weekday, as the help center writes dates:
 * 2026年12月30日（水） / Wednesday, December 30, 2026. Never shifted by time zone.
 */
function longDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = utcDate(year, month, day);
  // The catalog chooses the weekday's width, as GTK's "default:LTR" chooses a direction:
  // Japanese answers "weekday:short" and writes 「2026年12月30日（水）」.
  const width = gettext("weekday:long").split(":")[1] === "short" ? "short" : "long";
  return fill(gettext("%(weekday)s, %(date)s"), {
    date: new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(date),
    weekday: new Intl.DateTimeFormat(lang, { weekday: width, timeZone: "UTC" }).format(date),
  });
}

/** "late January 2027" / 「2027年1月下旬」: a third of a month, with or without its year. */
function partOfMonth({ month, part }, withYear) {
  const [year, number] = month.split("-").map(Number);
  const options = withYear ? { year: "numeric", month: "long" } : { month: "long" };
  const name = new Intl.DateTimeFormat(lang, { ...options, timeZone: "UTC" })
    .format(utcDate(year, number, 1));
  const template = { early: gettext("early %(month)s"), mid: gettext("mid-%(month)s"),
    late: gettext("late %(month)s") }[part];
  return fill(template, { month: name });
}

/** Whether the language writes the year before the month (2027年1月) or after (January 2027). */
function yearComesFirst() {
  const parts = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" })
    .formatToParts(new Date(0)).map((item) => item.type);
  return parts.indexOf("year") < parts.indexOf("month");
}

/** An approximate period, the year written once when both ends share it. */
function period(from, to) {
  const sameYear = from.month.slice(0, 4) === to.month.slice(0, 4);
  const yearFirst = yearComesFirst();
  return fill(gettext("around %(from)s to %(to)s"), {
    from: partOfMonth(from, !sameYear || yearFirst),
    to: partOfMonth(to, !sameYear || !yearFirst),
  });
}

function contactLink() {
  const link = document.createElement("a");
  link.href = `mailto:${facts.contact}`;
  link.textContent = facts.contact;
  return link;
}

// What the customer came for (a fee, a date, a period) stands out in the answer card.
const FIGURES = new Set(["fee", "date", "period"]);

function figure(text) {
  const element = document.createElement("strong");
  element.className = "figure";
  element.textContent = text;
  return element;
}

/** A paragraph from a translated template: text as text nodes, elements (links) as nodes. */
function paragraph(template, values = {}) {
  const element = document.createElement("p");
  template.split(/(%\(\w+\)[sd])/).forEach((piece, index) => {
    if (index % 2 === 0) {
      if (piece) element.append(document.createTextNode(piece));
      return;
    }
    const name = piece.slice(2, -2);
    const value = values[name];
    if (value instanceof Node) element.append(value);
    else if (FIGURES.has(name)) element.append(figure(String(value)));
    else element.append(document.createTextNode(String(value)));
  });
  return element;
}

function show(form, paragraphs, tone) {
  const result = form.querySelector("[data-result]");
  result.dataset.tone = tone;
  result.replaceChildren(...paragraphs.map((item) => (typeof item === "string" ? paragraph(item) : item)));
}

function selectedOption(select) {
  return select.options[select.selectedIndex] ?? null;
}

function selectedText(select) {
  return selectedOption(select)?.textContent.trim() ?? "";
}

// --- Shipping cost and payment ------------------------------------------------------

function feeSentence(fee, option) {
  if (fee.zone === "domestic") {
    return paragraph(gettext("Shipping within Japan costs %(fee)s, the same anywhere in the country."), { fee: money(fee.fee, fee.currency) });
  }
  if (fee.atCheckout) {
    return paragraph(gettext("Shipping costs outside Japan depend on the destination. The exact cost is shown at checkout."));
  }
  if (fee.country === OTHER_DESTINATION) {
    return paragraph(gettext("Shipping to any other country or region costs %(fee)s."), { fee: money(fee.fee, fee.currency) });
  }
  const country = option?.dataset.inSentence ?? option?.textContent.trim() ?? "";
  return paragraph(gettext("Shipping to %(country)s costs %(fee)s."), { country, fee: money(fee.fee, fee.currency) });
}

function shippingAnswer(form) {
  const country = form.elements.country;
  const card = form.elements.card;
  const fee = shippingFee(data, country.value);
  if (fee.error) return show(form, [gettext("Please choose a destination.")], "error");
  const paragraphs = [feeSentence(fee, selectedOption(country))];
  const payment = paymentOptions(data, { countryCode: country.value, cardBrand: card.value || null });
  if (payment.cardOnly) {
    paragraphs.push(gettext("Orders shipped outside Japan can be paid by credit card only."));
    if (facts.paypalCountsAsCard) paragraphs.push(facts.paypalCountsAsCard);
  }
  const cardName = selectedText(card);
  if (payment.method === "direct") paragraphs.push(paragraph(gettext("%(card)s can be used at checkout."), { card: cardName }));
  if (payment.method === "paypal") paragraphs.push(paragraph(gettext("%(card)s can be used by paying through PayPal."), { card: cardName }));
  if (payment.method === "not_accepted") paragraphs.push(paragraph(gettext("Sorry, %(card)s cannot be used."), { card: cardName }));
  show(form, paragraphs, payment.method === "not_accepted" ? "warning" : "ok");
}

// --- Dispatch date -----------------------------------------------------------------

function calendarLimits(result) {
  return paragraph(gettext("The calculator knows the shop's calendar from %(first)s to %(last)s. For other dates, please contact us at %(contact)s."), {
    first: longDate(result.first),
    last: longDate(result.last),
    contact: contactLink(),
  });
}

function inStockAnswer(form, result, orderDate) {
  const today = todayInShopTimeZone(new Date(), data.timezone);
  if (result.shipBy >= today) {
    return show(form, [paragraph(gettext("Your order usually ships by %(date)s."), { date: longDate(result.shipBy) })], "ok");
  }
  return show(form, [
    paragraph(gettext("An order placed on %(order)s usually shipped by %(date)s."), { order: longDate(orderDate), date: longDate(result.shipBy) }),
    paragraph(gettext("If it has not shipped yet, please contact us at %(contact)s with your order number."), { contact: contactLink() }),
  ], "ok");
}

function madeToOrderAnswer(form, result, paymentDate, kind) {
  const values = { date: longDate(paymentDate), period: period(result.from, result.to) };
  const thisMonth = todayInShopTimeZone(new Date(), data.timezone).slice(0, 7);
  const paragraphs = result.to.month < thisMonth
    ? [paragraph(gettext("If you paid on %(date)s, your order would usually have shipped %(period)s."), values),
      paragraph(gettext("If it has not shipped yet, please contact us at %(contact)s with your order number."), { contact: contactLink() })]
    : [paragraph(gettext("If you paid on %(date)s, your order should ship %(period)s."), values)];
  if (kind === "mixed" && result.shipsTogether) {
    paragraphs.push(gettext("Everything in the order ships together once all items are ready."));
  }
  paragraphs.push(gettext("Production starts once payment is complete. If the product page gives a delivery date, that date is the one that counts."));
  show(form, paragraphs, "ok");
}

function dispatchAnswer(form) {
  const kind = form.elements.kind.value;
  const date = kind === "in_stock" ? form.elements.orderDate.value : form.elements.paymentDate.value;
  const result = shipByDate(data, date, kind);
  if (result.error === "invalid_date") return show(form, [gettext("Please enter a valid date.")], "error");
  if (result.error) return show(form, [calendarLimits(result)], "error");
  if (kind === "in_stock") return inStockAnswer(form, result, date);
  return madeToOrderAnswer(form, result, date, kind);
}

/** In-stock orders count from the order date, made-to-order ones from the payment date. */
function showDateField(form) {
  const kind = form.elements.kind.value;
  form.querySelector("[data-date=order]").hidden = kind !== "in_stock";
  form.querySelector("[data-date=payment]").hidden = kind === "in_stock";
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
  const values = { date: answer.deadline ? longDate(answer.deadline) : "", days: facts.returnWindow };
  const howToAsk = paragraph(gettext("To ask for a return or exchange, write to us at %(contact)s with your order number."), { contact: contactLink() });
  const refused = {
    invalid_date: [gettext("Please enter a valid date.")],
    refused_reason: [gettext("Sorry, we can't accept a return or exchange in this case.")],
    unknown_reason: [gettext("Please choose what applies.")],
    not_arrived_yet: [gettext("That date is after today (in Japan). Please enter the date the item arrived.")],
    window_passed: [paragraph(gettext("Sorry, the last day to ask for a return or exchange was %(date)s (within %(days)s of arrival, counting the day it arrived as the first)."), values)],
  }[answer.code];
  if (refused) return show(form, refused, answer.code === "invalid_date" ? "error" : "warning");
  const daysLeft = answer.daysLeft + 1; // today included
  const accepted = [
    paragraph(gettext("You can ask for a return or exchange until %(date)s (within %(days)s of arrival, counting the day it arrived as the first)."), values),
    daysLeft === 1
      ? gettext("Today is the last day to ask.")
      : paragraph(ngettext("That is %(count)d day from today, today included.", "That is %(count)d days from today, today included.", daysLeft), { count: daysLeft }),
    howToAsk,
  ];
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
    if (form.dataset.tool === "dispatch") {
      showDateField(form);
      form.addEventListener("change", () => showDateField(form));
    }
    form.addEventListener("change", () => answer(form));
  }
}

start();
