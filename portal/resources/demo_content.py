"""The demo resource library: page texts and the contents of the documents,
written for this portal. Organisations and figures are invented."""

LIBRARY = {
    "ru": {
        "title": "Ресурсы",
        "intro": "Руководства, правовые тексты, учебные материалы и формы для специалистов и для "
        "всех, кто собирается на работу за границу.",
    },
    "en": {
        "title": "Resources",
        "intro": "Guides, legal texts, training kits and forms for practitioners and for anyone "
        "planning to work abroad.",
    },
}

# Each resource: slug, classification, the document (format, file name, title,
# sections or table), the page texts per language.
RESOURCES = [
    {
        "slug": "before-you-leave-checklist",
        "type": "leaflet",
        "topic": "safe_migration",
        "audiences": "public,victims",
        "language": "ru",
        "countries": "KG,UZ,TJ",
        "days_ago": 20,
        "featured": True,
        "publisher": "Координационный офис сети",
        "document": {
            "format": "docx",
            "name": "pamyatka-pered-otezdom.docx",
            "title": "Памятка: что проверить перед отъездом на работу",
            "sections": [
                (
                    "Договор",
                    "Попросите письменный договор на понятном вам языке. В нём должны быть "
                    "название работодателя, адрес работы, зарплата и кто оплачивает дорогу и жильё.",
                ),
                (
                    "Паспорт",
                    "Никому не отдавайте паспорт, даже на время. Сделайте копии и оставьте "
                    "их родным вместе с адресом и телефоном работодателя.",
                ),
                (
                    "Связь",
                    "Договоритесь с близкими о кодовом слове: если вы его скажете, значит, "
                    "вам нужна помощь.",
                ),
                (
                    "Горячие линии",
                    "Кыргызстан: +996 3222 0 00 01. Узбекистан: +998 74 200 00 01. "
                    "Таджикистан: +992 3422 0 00 01.",
                ),
            ],
        },
        "ru": {
            "title": "Памятка: что проверить перед отъездом на работу",
            "intro": "Одна страница для тех, кто едет на заработки: договор, паспорт, связь с "
            "родными и номера горячих линий трёх стран.",
        },
        "en": {
            "title": "Leaflet: what to check before leaving for work",
            "intro": "One page for people going to work abroad: contract, passport, keeping in touch "
            "with family and the hotline numbers of the three countries (in Russian).",
        },
    },
    {
        "slug": "identifying-victims-guide",
        "type": "guide",
        "topic": "identification",
        "audiences": "ngos,police",
        "language": "en",
        "countries": "",
        "days_ago": 45,
        "featured": True,
        "publisher": "Ferghana Network coordinating office",
        "document": {
            "format": "pdf",
            "name": "identifying-victims-guide.pdf",
            "title": "Identifying victims of trafficking: a guide for frontline staff",
            "sections": [
                (
                    "Why identification matters",
                    "A person who is not identified as a victim may be "
                    "treated as an offender: fined or deported for breaking migration rules, while the "
                    "people who exploited them go unpunished.",
                ),
                (
                    "Indicators",
                    "No control over own documents; debts to the recruiter or employer "
                    "that keep growing; restricted movement or contact with family; wages far below "
                    "what was promised or none at all; fear of the authorities instilled by the "
                    "employer.",
                ),
                (
                    "First conversation",
                    "Talk in a safe place, without the employer or the recruiter "
                    "present, in a language the person understands well. Explain who you are and what "
                    "will happen with what they tell you. Do not promise what you cannot ensure.",
                ),
                (
                    "Referral",
                    "With the person's consent, call the hotline of the country or a member "
                    "organisation of the network. Use the network's referral form so the person does "
                    "not have to repeat the story.",
                ),
            ],
        },
        "ru": {
            "title": "Как распознать пострадавшего: руководство для специалистов (англ.)",
            "intro": "Признаки торговли людьми, как провести первый разговор и как направить "
            "человека за помощью. Руководство на английском языке.",
        },
        "en": {
            "title": "Identifying victims of trafficking: a guide for frontline staff",
            "intro": "Signs of trafficking, how to hold a first conversation and how to refer a "
            "person for help.",
        },
    },
    {
        "slug": "kg-criminal-code-extracts",
        "type": "legal_text",
        "topic": "legal",
        "audiences": "lawyers",
        "language": "ru",
        "countries": "KG",
        "days_ago": 120,
        "featured": False,
        "publisher": "Джалал-Абадская правовая инициатива",
        "document": {
            "format": "docx",
            "name": "kg-ugolovnyj-kodeks-vyderzhki.docx",
            "title": "Ответственность за торговлю людьми в Кыргызстане: выдержки с комментарием",
            "sections": [
                (
                    "О документе",
                    "Подборка норм уголовного законодательства о торговле людьми и "
                    "смежных преступлениях с практическим комментарием юристов сети. Перед "
                    "использованием сверяйте текст с официальной публикацией.",
                ),
                (
                    "Комментарий",
                    "На практике важно доказать цель эксплуатации; согласие "
                    "пострадавшего на выезд или работу не освобождает от ответственности, если оно "
                    "получено обманом или с использованием уязвимого положения.",
                ),
            ],
        },
        "ru": {
            "title": "Ответственность за торговлю людьми в Кыргызстане: выдержки с комментарием",
            "intro": "Нормы уголовного законодательства и практический комментарий для адвокатов, "
            "защищающих интересы пострадавших.",
        },
    },
    {
        "slug": "uz-law-overview",
        "type": "legal_text",
        "topic": "legal",
        "audiences": "lawyers,ngos",
        "language": "ru",
        "countries": "UZ",
        "days_ago": 150,
        "featured": False,
        "publisher": "Андижанский центр поддержки семьи",
        "document": {
            "format": "docx",
            "name": "uz-zakon-obzor.docx",
            "title": "Противодействие торговле людьми в Узбекистане: обзор законодательства",
            "sections": [
                (
                    "Обзор",
                    "Краткое описание законодательства о противодействии торговле людьми: "
                    "кто отвечает за помощь пострадавшим, какие гарантии им положены и как работает "
                    "реабилитационный центр.",
                ),
                (
                    "Для организаций",
                    "Как организации помочь пострадавшему получить статус и "
                    "бесплатную помощь, какие документы нужны и куда обращаться.",
                ),
            ],
        },
        "ru": {
            "title": "Противодействие торговле людьми в Узбекистане: обзор законодательства",
            "intro": "Какие гарантии положены пострадавшим и как организации помочь человеку их "
            "получить.",
        },
    },
    {
        "slug": "trauma-informed-interviewing-kit",
        "type": "training_kit",
        "topic": "assistance",
        "audiences": "ngos,lawyers,police",
        "language": "en",
        "countries": "",
        "days_ago": 75,
        "featured": True,
        "publisher": "Ferghana Network coordinating office",
        "document": {
            "format": "pdf",
            "name": "trauma-informed-interviewing-kit.pdf",
            "title": "Training kit: interviewing survivors without re-traumatisation",
            "sections": [
                (
                    "Module 1. What trauma does",
                    "Memory gaps, changing accounts and a flat tone are "
                    "common effects of trauma, not signs of lying. Trainers use the case of a woman "
                    "returning from abroad to discuss this.",
                ),
                (
                    "Module 2. Preparing the interview",
                    "Choose a quiet room, allow a support person, "
                    "plan breaks, and agree on a signal to stop. Ask about language and interpreter "
                    "preferences in advance.",
                ),
                (
                    "Module 3. Asking questions",
                    "Open questions first, one at a time. Explain why you "
                    "ask. Never ask the person to show or describe injuries in front of others.",
                ),
                ("Exercises", "Three role plays with observation sheets, 90 minutes in total."),
            ],
        },
        "ru": {
            "title": "Учебный комплект: интервью с пострадавшими без повторной травмы (англ.)",
            "intro": "Три модуля и упражнения для тренеров: как действует травма, как готовить "
            "интервью и как задавать вопросы. Материалы на английском языке.",
        },
        "en": {
            "title": "Training kit: interviewing survivors without re-traumatisation",
            "intro": "Three modules and exercises for trainers: what trauma does, how to prepare an "
            "interview and how to ask questions.",
        },
    },
    {
        "slug": "community-police-module",
        "type": "training_kit",
        "topic": "identification",
        "audiences": "police",
        "language": "ru",
        "countries": "KG,TJ",
        "days_ago": 95,
        "featured": False,
        "publisher": "Координационный офис сети",
        "document": {
            "format": "docx",
            "name": "modul-dlya-uchastkovyh.docx",
            "title": "Учебный модуль для участковых инспекторов",
            "sections": [
                (
                    "Цель",
                    "Научить участкового замечать признаки вербовки и эксплуатации на своём "
                    "участке и знать, куда направить человека.",
                ),
                (
                    "Занятие 1",
                    "Кто такие пострадавшие и почему они редко обращаются в милицию сами.",
                ),
                (
                    "Занятие 2",
                    "Разбор ситуаций: объявления о работе, посредники, возвращение "
                    "мигрантов без денег и документов.",
                ),
            ],
        },
        "ru": {
            "title": "Учебный модуль для участковых инспекторов",
            "intro": "Два занятия с разбором ситуаций: признаки вербовки и эксплуатации и порядок "
            "направления к организациям помощи.",
        },
    },
    {
        "slug": "referral-form",
        "type": "form",
        "topic": "assistance",
        "audiences": "ngos",
        "language": "ru",
        "countries": "KG,UZ,TJ",
        "days_ago": 34,
        "featured": False,
        "publisher": "Координационный офис сети",
        "document": {
            "format": "xlsx",
            "name": "forma-napravleniya.xlsx",
            "title": "Форма направления",
            "header": ["Поле", "Что указать", "Обязательно"],
            "rows": [
                ["Организация-отправитель", "Название и контактное лицо", "да"],
                ["Организация-получатель", "Название, страна", "да"],
                ["Согласие", "Получено устное или письменное согласие человека", "да"],
                ["Нужная помощь", "Жильё, медицинская, юридическая, возвращение домой", "да"],
                ["Язык общения", "Язык, на котором человеку удобно говорить", "да"],
                ["Срочность", "Обычная / срочная (угроза безопасности)", "да"],
                ["Примечание", "Без имён, адресов и телефонов пострадавшего", "нет"],
            ],
        },
        "ru": {
            "title": "Единая форма направления между организациями сети",
            "intro": "Таблица полей формы, по которой организации трёх стран передают друг другу "
            "обращения. Без персональных данных.",
        },
    },
    {
        "slug": "monitoring-data-dictionary",
        "type": "form",
        "topic": "monitoring",
        "audiences": "ngos",
        "language": "en",
        "countries": "",
        "days_ago": 60,
        "featured": False,
        "publisher": "Ferghana Network coordinating office",
        "document": {
            "format": "csv",
            "name": "monitoring-data-dictionary.csv",
            "header": ["field", "meaning", "values"],
            "rows": [
                ["yearOfRegistration", "Year the case was registered", "four-digit year"],
                [
                    "gender",
                    "Gender of the person",
                    "Female; Male; Transgender/NonConforming; Unknown",
                ],
                [
                    "ageBroad",
                    "Age band at registration",
                    "0--8; 9--17; 18--20; 21--23; 24--26; 27--29; 30--38; 39--47; 48+",
                ],
                ["citizenship", "Citizenship", "ISO 3166 alpha-2"],
                ["CountryOfExploitation", "Country of exploitation", "ISO 3166 alpha-2"],
                [
                    "typeOfExploitConcatenated",
                    "Types of exploitation",
                    "Forced labour; Sexual exploitation; ...",
                ],
                [
                    "meansOfControlConcatenated",
                    "Means of control",
                    "Debt bondage; Takes earnings; ...",
                ],
                [
                    "recruiterRelationship",
                    "Relationship with the recruiter",
                    "Intimate partner; Friend; Family; Other",
                ],
            ],
        },
        "ru": {
            "title": "Словарь данных мониторинга (поля HTCDS, англ.)",
            "intro": "Поля и допустимые значения общей базы мониторинга в терминах стандарта "
            "HTCDS/CTDC. Файл CSV на английском языке.",
        },
        "en": {
            "title": "Monitoring data dictionary (HTCDS fields)",
            "intro": "Fields and allowed values of the shared monitoring database, in the "
            "vocabulary of the HTCDS/CTDC standard.",
        },
    },
    {
        "slug": "annual-report-summary",
        "type": "report",
        "topic": "monitoring",
        "audiences": "public,ngos",
        "language": "en",
        "countries": "KG,UZ,TJ",
        "days_ago": 100,
        "featured": True,
        "publisher": "Ferghana Network coordinating office",
        "document": {
            "format": "pdf",
            "name": "network-annual-report-summary.pdf",
            "title": "Ferghana Network: annual report, summary",
            "sections": [
                (
                    "The year in brief",
                    "Member organisations answered 2,140 hotline calls, assisted "
                    "318 people and gave shelter to 57. Most cases concerned forced labour in "
                    "construction, agriculture and domestic work.",
                ),
                (
                    "Trends",
                    "Recruitment moved further into messenger groups. More people reported "
                    "debts for travel paid by an intermediary. Cases involving teenagers grew.",
                ),
                (
                    "Next year",
                    "Joint monitoring on three topics, a shared referral form and more "
                    "mobile legal clinics in remote villages.",
                ),
            ],
        },
        "ru": {
            "title": "Годовой отчёт сети: краткое изложение (англ.)",
            "intro": "Обращения, помощь, тенденции года и планы. Краткое изложение на английском "
            "языке.",
        },
        "en": {
            "title": "Annual report of the network: summary",
            "intro": "Calls, assistance, the year's trends and plans.",
        },
    },
    {
        "slug": "safe-migration-leaflet-uzbek",
        "type": "leaflet",
        "topic": "safe_migration",
        "audiences": "public",
        "language": "uz",
        "countries": "UZ",
        "days_ago": 28,
        "featured": False,
        "publisher": "Андижанский центр поддержки семьи",
        "document": {
            "format": "txt",
            "name": "xavfsiz-migratsiya-eslatma.txt",
            "title": "Xavfsiz mehnat migratsiyasi: eslatma",
            "sections": [
                ("Pasport", "Pasportingizni hech kimga bermang."),
                ("Shartnoma", "Ish beruvchidan yozma shartnoma so'rang."),
                ("Ishonch telefoni", "O'zbekiston: +998 74 200 00 01."),
            ],
        },
        "ru": {
            "title": "Памятка о безопасной трудовой миграции (на узбекском)",
            "intro": "Короткая памятка на узбекском языке: паспорт, договор и номер горячей линии.",
        },
    },
    {
        "slug": "children-in-migration-schools",
        "type": "guide",
        "topic": "children",
        "audiences": "ngos,public",
        "language": "ru",
        "countries": "UZ,TJ",
        "days_ago": 130,
        "featured": False,
        "publisher": "Ферганская молодёжная инициатива",
        "document": {
            "format": "docx",
            "name": "deti-v-migracii-rukovodstvo.docx",
            "title": "Дети в миграции: руководство для школ",
            "sections": [
                ("Кому", "Классным руководителям, школьным психологам и социальным педагогам."),
                (
                    "Признаки риска",
                    "Ребёнок внезапно перестал ходить в школу; у него появились "
                    "деньги или дорогие вещи; он говорит о скором отъезде к «знакомым».",
                ),
                (
                    "Что делать",
                    "Поговорить с ребёнком наедине, связаться с родителями или "
                    "опекунами и с организацией сети, если есть признаки вербовки.",
                ),
            ],
        },
        "ru": {
            "title": "Дети в миграции: руководство для школ",
            "intro": "Как учителю и школьному психологу заметить, что подростка вербуют, и что "
            "делать дальше.",
        },
    },
]
