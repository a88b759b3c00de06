"""What the papers a returnee signs say, per language: the declaration of voluntary return
with the household's consent to the use of its data, and the receipt of the return grant.

A paper is printed in the office's language and English side by side, and in the returnee's
preferred language as a third column when it is one of these (tests/activities/
test_returnee_papers.py checks that every language has every text with the same placeholders
as the English one). Placeholders (``str.format``): office, country, case_ref, amount,
currency. Countries are named in the nominative, in brackets, so no text needs to inflect
them.
"""

from __future__ import annotations

EN, LV, RU, LT, ET = "en", "lv", "ru", "lt", "et"

LANGUAGE_NAMES = {EN: "English", LV: "Latviešu", RU: "Русский", LT: "Lietuvių", ET: "Eesti"}

DECLARATION: dict[str, dict[str, str]] = {
    EN: {
        "title": "Declaration of voluntary return and consent",
        "intro": "We, the persons listed below, declare that we wish to return voluntarily to "
                 "our country of origin ({country}). {office} has explained to us the help it "
                 "offers (organising the journey, travel documents, a return grant and, where "
                 "available, reintegration support) and what returning involves; we take this "
                 "decision freely.",
        "withdraw": "We know that we may withdraw this decision at any time before departure, "
                    "without giving a reason.",
        "household": "Household", "name": "Name", "born": "Date of birth",
        "signature": "Signature", "minor": "under 18: a parent or legal guardian signs",
        "consent_title": "Consent to the use and sharing of personal data",
        "consent_intro": "We agree that {office} uses our personal data to organise our return "
                         "and reintegration, and shares only what is needed:",
        "share_authorities": "with the authorities in charge of our travel documents and "
                             "departure (the border guard, the migration office, the embassy "
                             "of our country of origin)",
        "share_partner": "with the organisation that will help us after our arrival in our "
                         "country of origin",
        "yes": "yes", "no": "no", "place_date": "Place and date",
        "witness": "Counsellor (name and signature)", "case": "Case",
    },
    LV: {
        "title": "Deklarācija par brīvprātīgu atgriešanos un piekrišana",
        "intro": "Mēs, zemāk minētās personas, apliecinām, ka vēlamies brīvprātīgi atgriezties "
                 "savā izcelsmes valstī ({country}). {office} mums ir izskaidrojis piedāvāto "
                 "palīdzību (ceļojuma organizēšanu, ceļošanas dokumentus, atgriešanās pabalstu "
                 "un, ja iespējams, reintegrācijas atbalstu) un to, ko nozīmē atgriešanās; šo "
                 "lēmumu pieņemam brīvprātīgi.",
        "withdraw": "Mēs zinām, ka šo lēmumu varam atsaukt jebkurā laikā pirms izceļošanas, "
                    "nenorādot iemeslu.",
        "household": "Mājsaimniecība", "name": "Vārds, uzvārds", "born": "Dzimšanas datums",
        "signature": "Paraksts",
        "minor": "nepilngadīgais: paraksta vecāks vai likumiskais pārstāvis",
        "consent_title": "Piekrišana personas datu apstrādei un nodošanai",
        "consent_intro": "Piekrītam, ka {office} apstrādā mūsu personas datus, lai organizētu "
                         "mūsu atgriešanos un reintegrāciju, un nodod tikai nepieciešamos "
                         "datus:",
        "share_authorities": "iestādēm, kas atbild par mūsu ceļošanas dokumentiem un "
                             "izceļošanu (robežsardzei, migrācijas iestādei, mūsu izcelsmes "
                             "valsts vēstniecībai)",
        "share_partner": "organizācijai, kas mums palīdzēs pēc ierašanās izcelsmes valstī",
        "yes": "jā", "no": "nē", "place_date": "Vieta un datums",
        "witness": "Konsultants (vārds, uzvārds un paraksts)", "case": "Lieta",
    },
    RU: {
        "title": "Заявление о добровольном возвращении и согласие",
        "intro": "Мы, нижеподписавшиеся, заявляем, что желаем добровольно вернуться в страну "
                 "происхождения ({country}). {office} разъяснил нам предлагаемую помощь "
                 "(организацию поездки, проездные документы, пособие на возвращение и, по "
                 "возможности, поддержку в реинтеграции) и то, что означает возвращение; мы "
                 "принимаем это решение добровольно.",
        "withdraw": "Нам известно, что мы можем отказаться от этого решения в любое время до "
                    "выезда, не объясняя причин.",
        "household": "Члены семьи", "name": "Фамилия, имя", "born": "Дата рождения",
        "signature": "Подпись",
        "minor": "несовершеннолетний: подписывает родитель или законный представитель",
        "consent_title": "Согласие на обработку и передачу персональных данных",
        "consent_intro": "Мы согласны, чтобы {office} обрабатывал наши персональные данные для "
                         "организации нашего возвращения и реинтеграции и передавал только "
                         "необходимые сведения:",
        "share_authorities": "органам, отвечающим за наши проездные документы и выезд "
                             "(пограничной охране, миграционной службе, посольству страны "
                             "нашего происхождения)",
        "share_partner": "организации, которая будет помогать нам после прибытия в страну "
                         "происхождения",
        "yes": "да", "no": "нет", "place_date": "Место и дата",
        "witness": "Консультант (имя и подпись)", "case": "Дело",
    },
    LT: {
        "title": "Savanoriško grįžimo deklaracija ir sutikimas",
        "intro": "Mes, toliau nurodyti asmenys, pareiškiame, kad norime savanoriškai grįžti į "
                 "savo kilmės šalį ({country}). {office} mums paaiškino siūlomą pagalbą "
                 "(kelionės organizavimą, kelionės dokumentus, grįžimo išmoką ir, jei įmanoma, "
                 "reintegracijos paramą) ir ką reiškia grįžimas; šį sprendimą priimame laisva "
                 "valia.",
        "withdraw": "Žinome, kad bet kuriuo metu iki išvykimo galime atsisakyti šio sprendimo "
                    "nenurodydami priežasties.",
        "household": "Šeimos nariai", "name": "Vardas, pavardė", "born": "Gimimo data",
        "signature": "Parašas",
        "minor": "nepilnametis: pasirašo vienas iš tėvų arba teisėtas atstovas",
        "consent_title": "Sutikimas tvarkyti ir perduoti asmens duomenis",
        "consent_intro": "Sutinkame, kad {office} tvarkytų mūsų asmens duomenis mūsų grįžimui "
                         "ir reintegracijai organizuoti ir perduotų tik būtinus duomenis:",
        "share_authorities": "institucijoms, atsakingoms už mūsų kelionės dokumentus ir "
                             "išvykimą (pasieniečiams, migracijos tarnybai, mūsų kilmės šalies "
                             "ambasadai)",
        "share_partner": "organizacijai, kuri mums padės atvykus į kilmės šalį",
        "yes": "taip", "no": "ne", "place_date": "Vieta ir data",
        "witness": "Konsultantas (vardas, pavardė ir parašas)", "case": "Byla",
    },
    ET: {
        "title": "Vabatahtliku tagasipöördumise avaldus ja nõusolek",
        "intro": "Meie, allpool nimetatud isikud, kinnitame, et soovime vabatahtlikult tagasi "
                 "pöörduda oma päritoluriiki ({country}). {office} on meile selgitanud "
                 "pakutavat abi (reisi korraldamine, reisidokumendid, tagasipöördumistoetus ja "
                 "võimaluse korral taasintegreerimise tugi) ning seda, mida tagasipöördumine "
                 "tähendab; teeme selle otsuse vabatahtlikult.",
        "withdraw": "Teame, et võime sellest otsusest igal ajal enne lahkumist loobuda, "
                    "põhjust esitamata.",
        "household": "Leibkond", "name": "Nimi", "born": "Sünniaeg", "signature": "Allkiri",
        "minor": "alaealine: allkirjastab vanem või seaduslik esindaja",
        "consent_title": "Nõusolek isikuandmete töötlemiseks ja edastamiseks",
        "consent_intro": "Oleme nõus, et {office} töötleb meie isikuandmeid meie "
                         "tagasipöördumise ja taasintegreerimise korraldamiseks ning edastab "
                         "ainult vajalikke andmeid:",
        "share_authorities": "asutustele, kes vastutavad meie reisidokumentide ja lahkumise "
                             "eest (piirivalve, migratsiooniamet, meie päritoluriigi saatkond)",
        "share_partner": "organisatsioonile, kes aitab meid pärast päritoluriiki saabumist",
        "yes": "jah", "no": "ei", "place_date": "Koht ja kuupäev",
        "witness": "Nõustaja (nimi ja allkiri)", "case": "Toimik",
    },
}

RECEIPT: dict[str, dict[str, str]] = {
    EN: {
        "title": "Receipt of the return grant",
        "confirm": "I confirm that I have received from {office} the return grant for my "
                   "household, case {case_ref}: {amount} {currency}.",
        "member": "Household member", "amount": "Amount", "total": "Total",
        "recipient": "Recipient", "signature": "Signature of the recipient",
        "handed_by": "Handed over by (name and signature)", "payment": "Payment",
        "place_date": "Place and date", "case": "Case",
    },
    LV: {
        "title": "Apliecinājums par atgriešanās pabalsta saņemšanu",
        "confirm": "Apliecinu, ka esmu saņēmis(-usi) no {office} atgriešanās pabalstu savai "
                   "mājsaimniecībai, lieta {case_ref}: {amount} {currency}.",
        "member": "Mājsaimniecības loceklis", "amount": "Summa", "total": "Kopā",
        "recipient": "Saņēmējs", "signature": "Saņēmēja paraksts",
        "handed_by": "Izsniedza (vārds, uzvārds un paraksts)", "payment": "Maksājums",
        "place_date": "Vieta un datums", "case": "Lieta",
    },
    RU: {
        "title": "Расписка в получении пособия на возвращение",
        "confirm": "Подтверждаю, что получил(а) от {office} пособие на возвращение для моей "
                   "семьи, дело {case_ref}: {amount} {currency}.",
        "member": "Член семьи", "amount": "Сумма", "total": "Итого",
        "recipient": "Получатель", "signature": "Подпись получателя",
        "handed_by": "Выдал(а) (имя и подпись)", "payment": "Платёж",
        "place_date": "Место и дата", "case": "Дело",
    },
    LT: {
        "title": "Grįžimo išmokos gavimo kvitas",
        "confirm": "Patvirtinu, kad iš {office} gavau grįžimo išmoką savo šeimai, byla "
                   "{case_ref}: {amount} {currency}.",
        "member": "Šeimos narys", "amount": "Suma", "total": "Iš viso",
        "recipient": "Gavėjas", "signature": "Gavėjo parašas",
        "handed_by": "Išmokėjo (vardas, pavardė ir parašas)", "payment": "Mokėjimas",
        "place_date": "Vieta ir data", "case": "Byla",
    },
    ET: {
        "title": "Tagasipöördumistoetuse kättesaamise kviitung",
        "confirm": "Kinnitan, et olen kätte saanud oma leibkonna tagasipöördumistoetuse, mille "
                   "maksis {office}, toimik {case_ref}: {amount} {currency}.",
        "member": "Leibkonna liige", "amount": "Summa", "total": "Kokku",
        "recipient": "Saaja", "signature": "Saaja allkiri",
        "handed_by": "Üle andis (nimi ja allkiri)", "payment": "Makse",
        "place_date": "Koht ja kuupäev", "case": "Toimik",
    },
}

# A preferred language as staff write it ("ru", "ru-RU", "Russian", "русский") to its code.
_ALIASES = {
    "english": EN, "latvian": LV, "latviešu": LV, "russian": RU, "русский": RU,
    "lithuanian": LT, "lietuvių": LT, "estonian": ET, "eesti": ET,
}


def language_code(preferred: str | None) -> str | None:
    """The code of a language these papers are written in, or None."""
    text = (preferred or "").strip().lower()
    code = _ALIASES.get(text) or text.replace("_", "-").split("-")[0]
    return code if code in DECLARATION else None


def paper_languages(office: str, preferred: str | None) -> list[str]:
    """The office's language, English, and the returnee's own when a text exists in it."""
    return list(dict.fromkeys(x for x in (office, EN, language_code(preferred)) if x))


def country_name(code: str, language: str) -> str:
    """The country's name in the language (Babel's CLDR data), or its code."""
    try:
        from babel import Locale

        return str(Locale.parse(language).territories.get(code.upper(), code))
    except Exception:  # noqa: BLE001  (no Babel, or a locale it lacks: the code is clear)
        return code
