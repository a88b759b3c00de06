"""What the letters and notices to embassies and authorities say, per language.

Placeholders are filled with ``str.format``: office, embassy, country, case_ref, request_ref,
days, authority, departure, location. Every language of models.embassies.LetterLanguage has
every text (tests/activities/test_letters.py checks it).
"""

from __future__ import annotations

from models.embassies import LetterLanguage

EN, LV, RU = LetterLanguage.EN, LetterLanguage.LV, LetterLanguage.RU

LANGUAGE_NAMES = {EN: "English", LV: "Latviešu", RU: "Русский"}

REQUEST: dict[LetterLanguage, dict[str, str]] = {
    EN: {
        "title": "Request for emergency travel documents",
        "ask": "{office} respectfully asks the {embassy} to issue emergency travel documents "
               "(laissez-passer) for the persons listed below (nationality: {country}), who "
               "have decided to return voluntarily to their country of origin.",
        "quote": "Please quote our case reference {case_ref} and request reference "
                 "{request_ref} in your answer.",
        "answer": "We would be grateful for your answer within {days} days.",
        "name": "Name", "born": "Date of birth", "document": "Document requested",
        "etd": "emergency travel document",
        "closing": "Yours faithfully,",
    },
    LV: {
        "title": "Lūgums izsniegt pagaidu ceļošanas dokumentus",
        "ask": "{office} ar cieņu lūdz {embassy} izsniegt pagaidu ceļošanas dokumentus "
               "(laissez-passer) zemāk minētajām personām (pilsonība: {country}), kuras ir "
               "nolēmušas brīvprātīgi atgriezties savā izcelsmes valstī.",
        "quote": "Atbildē lūdzam norādīt mūsu lietas numuru {case_ref} un pieprasījuma numuru "
                 "{request_ref}.",
        "answer": "Būsim pateicīgi par atbildi {days} dienu laikā.",
        "name": "Vārds, uzvārds", "born": "Dzimšanas datums",
        "document": "Pieprasītais dokuments", "etd": "pagaidu ceļošanas dokuments",
        "closing": "Ar cieņu",
    },
    RU: {
        "title": "Запрос на выдачу временных проездных документов",
        "ask": "{office} просит {embassy} выдать временные проездные документы "
               "(laissez-passer) указанным ниже лицам (гражданство: {country}), принявшим "
               "решение добровольно вернуться в страну происхождения.",
        "quote": "В ответе просим указать номер нашего дела {case_ref} и номер запроса "
                 "{request_ref}.",
        "answer": "Будем благодарны за ответ в течение {days} дней.",
        "name": "Фамилия, имя", "born": "Дата рождения",
        "document": "Запрашиваемый документ", "etd": "временный проездной документ",
        "closing": "С уважением,",
    },
}

WITHDRAWAL: dict[LetterLanguage, str] = {
    EN: "Our request {request_ref} (case {case_ref}) for emergency travel documents is "
        "withdrawn: the documents are no longer needed. Thank you for your help.",
    LV: "Mūsu pieprasījums {request_ref} (lieta {case_ref}) par pagaidu ceļošanas "
        "dokumentiem tiek atsaukts: dokumenti vairs nav nepieciešami. Paldies par palīdzību.",
    RU: "Наш запрос {request_ref} (дело {case_ref}) на временные проездные документы "
        "отозван: документы больше не нужны. Благодарим за помощь.",
}

REMINDER: dict[LetterLanguage, str] = {
    EN: "We kindly remind you of our request {request_ref} (case {case_ref}) for emergency "
        "travel documents, sent on {requested_on}, to which we have had no answer yet. Please "
        "let us know when the documents can be issued, quoting the request reference.",
    LV: "Laipni atgādinām par mūsu pieprasījumu {request_ref} (lieta {case_ref}) par pagaidu "
        "ceļošanas dokumentiem, kas nosūtīts {requested_on} un uz kuru vēl neesam saņēmuši "
        "atbildi. Lūdzu, paziņojiet, kad dokumentus varēs izsniegt, norādot pieprasījuma numuru.",
    RU: "Напоминаем о нашем запросе {request_ref} (дело {case_ref}) на временные проездные "
        "документы, направленном {requested_on}, на который мы ещё не получили ответа. Просим "
        "сообщить, когда документы могут быть выданы, указав номер запроса.",
}

REMINDED: dict[LetterLanguage, str] = {
    EN: "reminder", LV: "atgādinājums", RU: "напоминание",
}

WITHDRAWN: dict[LetterLanguage, str] = {
    EN: "request withdrawn", LV: "pieprasījums atsaukts", RU: "запрос отозван",
}

NOTICE: dict[LetterLanguage, dict[str, str]] = {
    EN: {
        "subject": "Planned voluntary departure",
        "intro": "{office} notifies the {authority} of a planned voluntary departure.",
        "case": "Case reference", "notice": "Notice reference",
        "departure": "Planned departure", "location": "Where the travellers stay",
        "travellers": "Travellers",
        "confirm": "Please confirm the clearance to the office, quoting the notice reference.",
        "border_guard": "State Border Guard", "migration_office": "Office of Citizenship and "
        "Migration Affairs",
    },
    LV: {
        "subject": "Plānota brīvprātīga izceļošana",
        "intro": "{office} informē {authority} par plānotu brīvprātīgu izceļošanu.",
        "case": "Lietas numurs", "notice": "Paziņojuma numurs",
        "departure": "Plānotā izceļošana", "location": "Ceļotāju uzturēšanās vieta",
        "travellers": "Ceļotāji",
        "confirm": "Lūdzam apstiprināt atļauju birojam, norādot paziņojuma numuru.",
        "border_guard": "Valsts robežsardzi", "migration_office": "Pilsonības un migrācijas "
        "lietu pārvaldi",
    },
    RU: {
        "subject": "Планируемый добровольный выезд",
        "intro": "{office} уведомляет {authority} о планируемом добровольном выезде.",
        "case": "Номер дела", "notice": "Номер уведомления",
        "departure": "Планируемый выезд", "location": "Место пребывания",
        "travellers": "Выезжающие",
        "confirm": "Просим подтвердить разрешение, указав номер уведомления.",
        "border_guard": "Государственную пограничную охрану",
        "migration_office": "Управление по делам гражданства и миграции",
    },
}


def languages(office: LetterLanguage, embassy: LetterLanguage = EN) -> list[LetterLanguage]:
    """The office's language, English, and the embassy's own when it is neither."""
    return list(dict.fromkeys([office, EN, embassy]))
