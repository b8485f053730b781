"""Texts of the demo public site, written for this portal. Organisations, people,
figures and telephone numbers are invented for the demonstration.

Bodies are lists of blocks: ("h2", text), ("p", text), ("quote", text,
attribution), ("image", image key, alt text, caption).
"""

# Organisations come from the members demo: one list for every step.
from portal.members.demo import OFFICE

# --- Images -------------------------------------------------------------------

IMAGES = {
    # key: (title, palette, alt text ru, alt text en)
    "valley": (
        "Долина на рассвете",
        "dawn",
        "Рисунок: горные хребты над долиной с рекой на рассвете",
        "Drawing: mountain ridges above a valley with a river at dawn",
    ),
    "market": (
        "Полдень над долиной",
        "noon",
        "Рисунок: зелёная долина и река под ясным небом",
        "Drawing: a green valley and a river under a clear sky",
    ),
    "evening": (
        "Вечер в горах",
        "dusk",
        "Рисунок: тёмные горы и розовое вечернее небо",
        "Drawing: dark mountains under a pink evening sky",
    ),
    "spring": (
        "Весна в предгорьях",
        "spring",
        "Рисунок: весенние предгорья, поля и река",
        "Drawing: foothills in spring with fields and a river",
    ),
    "autumn": (
        "Осень в долине",
        "autumn",
        "Рисунок: осенняя долина в жёлтых и коричневых тонах",
        "Drawing: an autumn valley in yellow and brown",
    ),
    "winter": (
        "Зимний перевал",
        "winter",
        "Рисунок: заснеженные горы у перевала",
        "Drawing: snow-covered mountains near a pass",
    ),
}

# --- Site sections ------------------------------------------------------------

HOME = {
    "ru": {
        "title": "Сеть Ферганской долины против торговли людьми",
        "lead": "Новости сети, материалы для специалистов и горячие линии для тех, кому нужна помощь.",
    },
    "en": {
        "title": "Ferghana Valley Network against Human Trafficking",
        "lead": "Network news, material for practitioners and hotlines for anyone who needs help.",
    },
}

HOME_BODY = {
    "ru": [
        ("h2", "О сети"),
        (
            "p",
            "Сеть объединяет общественные организации Кыргызстана, Узбекистана и Таджикистана, "
            "которые помогают пострадавшим от торговли людьми и предупреждают вербовку. Мы "
            "обмениваемся опытом, направляем людей друг к другу через границы и вместе следим за "
            "тем, как меняется ситуация в долине.",
        ),
    ],
    "en": [
        ("h2", "About the network"),
        (
            "p",
            "The network brings together civil society organisations of Kyrgyzstan, Uzbekistan and "
            "Tajikistan that help people affected by human trafficking and prevent recruitment. We "
            "share experience, refer people to each other across borders and watch together how the "
            "situation in the valley changes.",
        ),
    ],
}

# slug -> (model name, show in menus, {language: fields})
SECTIONS = {
    "news": (
        "NewsIndexPage",
        {
            "ru": {
                "title": "Новости",
                "intro": "События в организациях сети, истории помощи и результаты мониторинга.",
            },
            "en": {
                "title": "News",
                "intro": "What happens in the network's organisations, stories of help and monitoring results.",
            },
        },
    ),
    "events": (
        "EventIndexPage",
        {
            "ru": {
                "title": "Мероприятия",
                "intro": "Семинары, тренинги для юристов и сотрудников милиции, встречи сети.",
            },
            "en": {
                "title": "Events",
                "intro": "Workshops, trainings for lawyers and police officers, network meetings.",
            },
        },
    ),
    "campaigns": (
        "CampaignIndexPage",
        {
            "ru": {
                "title": "Кампании",
                "intro": "Информационные кампании сети в городах и сёлах долины.",
            },
            "en": {
                "title": "Campaigns",
                "intro": "The network's awareness campaigns in the valley's towns and villages.",
            },
        },
    ),
    "get-help": (
        "GetHelpPage",
        {
            "ru": {
                "title": "Получить помощь",
                "intro": "Если вас или ваших близких обманули с работой, удерживают или заставляют "
                "работать, позвоните на горячую линию. Звонок бесплатный и конфиденциальный.",
            },
            "en": {
                "title": "Get help",
                "intro": "If you or someone close to you has been deceived about a job, is held or forced "
                "to work, call a hotline. The call is free and confidential.",
            },
        },
    ),
    "about": (
        "AboutPage",
        {
            "ru": {
                "title": "О сети",
                "intro": "Региональная сеть организаций против торговли людьми в Ферганской долине.",
            },
            "en": {
                "title": "About the network",
                "intro": "A regional network of organisations against human trafficking in the Ferghana Valley.",
            },
        },
    ),
    "privacy": (
        "ContentPage",
        {
            "ru": {
                "title": "Конфиденциальность",
                "intro": "Как портал обращается с данными посетителей и участников сети.",
            },
            "en": {
                "title": "Privacy",
                "intro": "How the portal treats the data of visitors and network members.",
            },
        },
    ),
}
SECTION_ORDER = ["news", "events", "campaigns", "get-help", "about", "privacy"]
IN_MENUS = {"news", "events", "campaigns", "get-help", "about"}

SECTION_BODIES = {
    ("get-help", "ru"): [
        ("h2", "Признаки того, что человеку нужна помощь"),
        (
            "p",
            "Работодатель забрал паспорт «на хранение»; обещанную зарплату не платят или "
            "удерживают за «долг» за дорогу и жильё; человеку запрещают выходить, звонить "
            "родным или угрожают сообщить в полицию о нарушении миграционных правил.",
        ),
        ("h2", "Что делать"),
        (
            "p",
            "Позвоните на горячую линию своей страны: консультант выслушает, объяснит ваши "
            "права и, если вы согласны, свяжет с организацией сети рядом с вами или в стране, "
            "где вы находитесь. Вы можете не называть своё имя.",
        ),
        (
            "p",
            "Если жизни угрожает опасность прямо сейчас, звоните в милицию по номеру 102.",
        ),
    ],
    ("get-help", "en"): [
        ("h2", "Signs that someone needs help"),
        (
            "p",
            'The employer has taken the passport "for safekeeping"; the promised wages are not '
            'paid or are withheld against a "debt" for travel and housing; the person is not '
            "allowed to go out or call their family, or is threatened with being reported to "
            "the police for breaking migration rules.",
        ),
        ("h2", "What to do"),
        (
            "p",
            "Call the hotline of your country: an adviser will listen, explain your rights and, "
            "if you agree, put you in touch with a network organisation near you or in the "
            "country where you are. You do not have to give your name.",
        ),
        ("p", "If a life is in danger right now, call the police on 102."),
    ],
    ("about", "ru"): [
        (
            "p",
            "Сеть создана по инициативе общественных организаций долины при поддержке полевого "
            "офиса ОБСЕ в Оше. Её участники консультируют мигрантов и их семьи, предоставляют "
            "юридическую и психологическую помощь, убежище и помогают вернуться домой.",
        ),
        (
            "p",
            "Организации сети ведут общую базу данных мониторинга. Она содержит только "
            "обезличенные сведения и доступна лишь проверенным участникам сети.",
        ),
    ],
    ("about", "en"): [
        (
            "p",
            "The network was set up by the valley's civil society organisations with the support "
            "of the OSCE field office in Osh. Its members advise migrants and their families, give "
            "legal and psychological help and shelter, and help people return home.",
        ),
        (
            "p",
            "Member organisations keep a shared monitoring database. It holds anonymous "
            "information only and is open to verified members of the network alone.",
        ),
    ],
    ("privacy", "ru"): [
        (
            "p",
            "Публичные страницы портала не используют сторонние счётчики и не загружают "
            "видеоплееры других сайтов. Портал сохраняет только выбранный вами язык.",
        ),
        (
            "p",
            "Данные мониторинга обезличены: в них нет имён, контактов и дат рождения. Доступ к "
            "ним фиксируется в журнале.",
        ),
    ],
    ("privacy", "en"): [
        (
            "p",
            "The portal's public pages use no third-party trackers and load no video players from "
            "other sites. The portal only remembers the language you chose.",
        ),
        (
            "p",
            "Monitoring data is anonymous: no names, contact details or dates of birth. Every "
            "access to it is recorded.",
        ),
    ],
}

# --- Hotlines -----------------------------------------------------------------

HOTLINES = [
    # key, country, phone, sort order, {language: (organisation, hours, languages, note)}
    (
        "kg-main",
        "KG",
        "+996 3222 0 00 01",
        0,
        {
            "ru": (
                "Ошский центр помощи мигрантам",
                "Круглосуточно, без выходных",
                "кыргызский, русский, узбекский",
                "Бесплатно со всех операторов Кыргызстана.",
            ),
            "en": (
                "Osh Migrant Support Centre",
                "24 hours, every day",
                "Kyrgyz, Russian, Uzbek",
                "Free of charge from any network in Kyrgyzstan.",
            ),
        },
    ),
    (
        "kg-legal",
        "KG",
        "+996 3722 0 00 02",
        1,
        {
            "ru": (
                "Джалал-Абадская правовая инициатива",
                "Пн–Пт, 9:00–18:00",
                "кыргызский, русский",
                "Бесплатные консультации юриста.",
            ),
            "en": (
                "Jalal-Abad Legal Initiative",
                "Mon–Fri, 9:00–18:00",
                "Kyrgyz, Russian",
                "Free advice from a lawyer.",
            ),
        },
    ),
    (
        "uz-main",
        "UZ",
        "+998 74 200 00 01",
        0,
        {
            "ru": (
                "Андижанский центр поддержки семьи",
                "Ежедневно, 8:00–22:00",
                "узбекский, русский",
                "",
            ),
            "en": (
                "Andijan Family Support Centre",
                "Every day, 8:00–22:00",
                "Uzbek, Russian",
                "",
            ),
        },
    ),
    (
        "tj-main",
        "TJ",
        "+992 3422 0 00 01",
        0,
        {
            "ru": (
                "Худжандский кризисный центр для женщин",
                "Круглосуточно",
                "таджикский, русский, узбекский",
                "Консультант-женщина, по желанию.",
            ),
            "en": (
                "Khujand Women's Crisis Centre",
                "24 hours",
                "Tajik, Russian, Uzbek",
                "A woman adviser if you prefer.",
            ),
        },
    ),
]

# --- News ---------------------------------------------------------------------

# slug, days ago, organisation, image key, countries, tags ru, {language: (title, intro, body, tags)}
NEWS = [
    {
        "slug": "osh-hotline-night-shift",
        "days_ago": 3,
        "organisation": "Ошский центр помощи мигрантам",
        "image": "evening",
        "countries": "KG",
        "ru": {
            "title": "Горячая линия в Оше теперь отвечает и ночью",
            "intro": "Ошский центр помощи мигрантам перешёл на круглосуточный режим: ночью чаще "
            "звонят люди, которые уже находятся за границей.",
            "tags": ["горячая линия", "Ош", "трудовая миграция"],
            "body": [
                (
                    "p",
                    "С начала месяца консультанты центра дежурят круглосуточно. За первые две недели "
                    "ночные смены приняли 46 звонков, большая часть из них — из Москвы и "
                    "Екатеринбурга, где в это время заканчивается рабочая смена.",
                ),
                (
                    "quote",
                    "Человек звонит, когда наконец остался один. Для многих это ночь, и раньше мы "
                    "просто не брали трубку.",
                    "Координатор горячей линии",
                ),
                (
                    "p",
                    "Чаще всего звонящие спрашивают, как вернуть паспорт, который забрал "
                    "работодатель, и что делать, если за несколько месяцев работы не заплатили. "
                    "Консультанты объясняют права и, если человек согласен, передают обращение "
                    "партнёрам сети в стране пребывания.",
                ),
            ],
        },
        "en": {
            "title": "The Osh hotline now answers at night too",
            "intro": "The Osh Migrant Support Centre has moved to round-the-clock service: at night "
            "the callers are more often people who are already abroad.",
            "tags": ["hotline", "Osh", "labour migration"],
            "body": [
                (
                    "p",
                    "Since the beginning of the month the centre's advisers have been on duty around "
                    "the clock. In the first two weeks the night shifts took 46 calls, most of them "
                    "from Moscow and Yekaterinburg, where work shifts end at that hour.",
                ),
                (
                    "quote",
                    "People call when they are finally alone. For many that is at night, and before "
                    "we simply did not pick up.",
                    "Hotline coordinator",
                ),
                (
                    "p",
                    "Callers most often ask how to get back a passport the employer has taken and "
                    "what to do when months of work have gone unpaid. Advisers explain their rights "
                    "and, if the caller agrees, pass the request to network partners in the country "
                    "where they are.",
                ),
            ],
        },
    },
    {
        "slug": "andijan-mahalla-seminar",
        "days_ago": 9,
        "organisation": "Андижанский центр поддержки семьи",
        "image": "market",
        "countries": "UZ",
        "ru": {
            "title": "В Андижане председатели махаллей учились распознавать вербовку",
            "intro": "Семинар для 38 председателей и помощников махаллинских комитетов был "
            "посвящён тому, как выглядят «слишком хорошие» предложения работы.",
            "tags": ["Андижан", "профилактика", "махалля"],
            "body": [
                (
                    "p",
                    "Махаллинский комитет часто первым узнаёт, что кто-то из жителей собирается на "
                    "заработки или что от уехавшего давно нет вестей. Поэтому Андижанский центр "
                    "поддержки семьи уже третий год проводит для комитетов короткие практические "
                    "семинары.",
                ),
                ("h2", "Разбирали реальные объявления"),
                (
                    "p",
                    "Участники разбирали объявления из мессенджеров: работа «без опыта и языка» с "
                    "зарплатой вдвое выше обычной, билет за счёт работодателя, оформление «на месте». "
                    "Каждый получил памятку с номерами горячих линий трёх стран.",
                ),
            ],
        },
        "en": {
            "title": "In Andijan, mahalla chairs learned to recognise recruitment",
            "intro": "A seminar for 38 chairs and assistants of mahalla committees looked at what "
            '"too good" job offers look like.',
            "tags": ["Andijan", "prevention", "mahalla"],
            "body": [
                (
                    "p",
                    "The mahalla committee is often the first to hear that a resident is leaving for "
                    "work abroad, or that someone who left has not been heard from for a long time. "
                    "That is why the Andijan Family Support Centre has run short practical seminars "
                    "for the committees for three years now.",
                ),
                ("h2", "Real advertisements on the table"),
                (
                    "p",
                    'Participants took apart advertisements from messenger groups: work "with no '
                    'experience or language needed" paying twice the usual wage, a ticket paid by '
                    'the employer, papers "sorted out on arrival". Each received a leaflet with the '
                    "hotline numbers of the three countries.",
                ),
            ],
        },
    },
    {
        "slug": "khujand-wages-recovered",
        "days_ago": 15,
        "organisation": "Исфаринская ассоциация юристов",
        "image": "autumn",
        "countries": "TJ,RU",
        "ru": {
            "title": "Юристы сети помогли строителям из Худжанда получить зарплату",
            "intro": "Четырнадцать работников, которым полгода не платили на стройке за границей, "
            "получили деньги после обращения юристов сети к партнёрам в стране пребывания.",
            "tags": ["Худжанд", "правовая помощь", "трудовая эксплуатация"],
            "body": [
                (
                    "p",
                    "Бригада уехала по приглашению знакомого посредника. Документы работников "
                    "хранились у прораба, а зарплату обещали выплатить «в конце сезона». Когда сезон "
                    "закончился, им предложили уехать без денег.",
                ),
                (
                    "p",
                    "Родственник одного из работников позвонил на горячую линию в Худжанде. Юристы "
                    "Исфаринской ассоциации подготовили документы, а партнёрская организация "
                    "сопровождала работников на переговорах с подрядчиком. Все четырнадцать человек "
                    "вернулись домой с паспортами и деньгами.",
                ),
            ],
        },
        "en": {
            "title": "Network lawyers helped builders from Khujand get their wages",
            "intro": "Fourteen workers who had not been paid for six months on a building site "
            "abroad received their money after network lawyers contacted partners in that country.",
            "tags": ["Khujand", "legal aid", "labour exploitation"],
            "body": [
                (
                    "p",
                    "The crew left at the invitation of an intermediary they knew. The foreman kept "
                    'their documents, and wages were promised "at the end of the season". When the '
                    "season ended, they were told to leave without pay.",
                ),
                (
                    "p",
                    "A relative of one worker called the hotline in Khujand. Lawyers of the Isfara "
                    "association prepared the documents, and a partner organisation accompanied the "
                    "workers in talks with the contractor. All fourteen came home with their "
                    "passports and their money.",
                ),
            ],
        },
    },
    {
        "slug": "ferghana-school-psychologists",
        "days_ago": 21,
        "organisation": "Ферганская молодёжная инициатива",
        "image": "spring",
        "countries": "UZ",
        "ru": {
            "title": "Школьные психологи Ферганы учатся замечать риски для подростков",
            "intro": "Ферганская молодёжная инициатива провела двухдневный курс для психологов "
            "школ и колледжей области.",
            "tags": ["Фергана", "дети", "профилактика"],
            "body": [
                (
                    "p",
                    "Подростков вербуют через знакомых и социальные сети, обещая подработку на "
                    "каникулах. Психологи учились замечать тревожные признаки: внезапные деньги и "
                    "подарки, новые «взрослые» друзья, разговоры о скором отъезде.",
                ),
                (
                    "p",
                    "Курс завершился разработкой плана действий для каждой школы: к кому обратиться, "
                    "как поговорить с родителями и как не напугать самого подростка.",
                ),
            ],
        },
    },
    {
        "slug": "jalal-abad-mobile-legal-clinic",
        "days_ago": 27,
        "organisation": "Джалал-Абадская правовая инициатива",
        "image": "valley",
        "countries": "KG",
        "ru": {
            "title": "Мобильная приёмная юристов побывала в шести сёлах Джалал-Абадской области",
            "intro": "За неделю юристы приняли 112 человек: вопросы о документах, долгах перед "
            "посредниками и пропавших без вести родственниках.",
            "tags": ["Джалал-Абад", "правовая помощь"],
            "body": [
                (
                    "p",
                    "Многие жители отдалённых сёл не могут приехать на консультацию в город. "
                    "Поэтому юристы сами приезжают в айыл окмоту и школы, где заранее объявляют о "
                    "приёме.",
                ),
                (
                    "p",
                    "Семь обращений касались родственников, с которыми нет связи больше трёх "
                    "месяцев. Их передали горячей линии сети для поиска через партнёров.",
                ),
            ],
        },
    },
    {
        "slug": "cross-border-referral-form",
        "days_ago": 34,
        "organisation": OFFICE,
        "image": "winter",
        "countries": "KG,UZ,TJ",
        "ru": {
            "title": "Сеть договорилась о единой форме направления пострадавших",
            "intro": "Организации трёх стран будут передавать друг другу обращения по одной форме: "
            "так человеку не придётся заново рассказывать свою историю.",
            "tags": ["перенаправление", "сотрудничество"],
            "body": [
                (
                    "p",
                    "Раньше каждая организация пользовалась своим бланком, и при передаче случая "
                    "через границу терялись важные сведения. Новая форма содержит только то, что "
                    "нужно для помощи, и не включает данные, по которым можно узнать человека, без "
                    "его согласия.",
                ),
                (
                    "p",
                    "Форма и инструкция к ней опубликованы в разделе ресурсов.",
                ),
            ],
        },
        "en": {
            "title": "The network agreed on one referral form",
            "intro": "Organisations of the three countries will pass requests to each other on one "
            "form, so that a person does not have to tell their story again.",
            "tags": ["referral", "cooperation"],
            "body": [
                (
                    "p",
                    "Until now each organisation used its own form, and important details were lost "
                    "when a case crossed a border. The new form holds only what is needed to help and "
                    "no information that identifies the person without their consent.",
                ),
                ("p", "The form and its instructions are published in the resources section."),
            ],
        },
    },
    {
        "slug": "coordinators-meeting-osh",
        "days_ago": 41,
        "organisation": OFFICE,
        "image": "valley",
        "countries": "KG,UZ,TJ",
        "ru": {
            "title": "Координаторы сети встретились в Оше",
            "intro": "Представители 12 организаций подвели итоги полугодия и выбрали темы для "
            "совместного мониторинга.",
            "tags": ["Ош", "встреча сети"],
            "body": [
                (
                    "p",
                    "Главной темой встречи стали изменения в маршрутах трудовой миграции: всё больше "
                    "людей из долины едут на сезонные работы в новые страны, где у сети пока нет "
                    "партнёров.",
                ),
                (
                    "p",
                    "Участники договорились о трёх темах мониторинга на следующее полугодие: вербовка "
                    "через мессенджеры, положение подростков, выезжающих с родителями, и доступ "
                    "пострадавших к бесплатной юридической помощи.",
                ),
            ],
        },
        "en": {
            "title": "Network coordinators met in Osh",
            "intro": "Representatives of 12 organisations reviewed the half-year and chose topics for "
            "joint monitoring.",
            "tags": ["Osh", "network meeting"],
            "body": [
                (
                    "p",
                    "The main subject of the meeting was the change in labour migration routes: more "
                    "and more people from the valley leave for seasonal work in new countries where "
                    "the network has no partners yet.",
                ),
                (
                    "p",
                    "Participants agreed on three monitoring topics for the next half-year: "
                    "recruitment through messenger apps, the situation of teenagers who travel with "
                    "their parents, and survivors' access to free legal aid.",
                ),
            ],
        },
    },
    {
        "slug": "batken-bus-station-action",
        "days_ago": 48,
        "organisation": "Ошский центр помощи мигрантам",
        "image": "autumn",
        "countries": "KG",
        "ru": {
            "title": "Волонтёры раздали памятки на автовокзале Баткена",
            "intro": "Молодёжные волонтёры рассказывали уезжающим на заработки, как проверить "
            "работодателя и куда звонить, если что-то пошло не так.",
            "tags": ["Баткен", "волонтёры", "профилактика"],
            "body": [
                (
                    "p",
                    "За два дня волонтёры поговорили почти с тремя сотнями пассажиров. Многие впервые "
                    "узнали, что паспорт нельзя отдавать работодателю даже на время.",
                ),
            ],
        },
    },
    {
        "slug": "namangan-free-travel-offers",
        "days_ago": 56,
        "organisation": "Наманганский ресурсный центр для женщин",
        "image": "market",
        "countries": "UZ",
        "ru": {
            "title": "В Намангане стало больше звонков о «бесплатных» поездках на работу",
            "intro": "Консультанты предупреждают: когда дорогу оплачивает посредник, долг за неё "
            "часто становится способом удерживать человека.",
            "tags": ["Наманган", "вербовка"],
            "body": [
                (
                    "p",
                    "За квартал на линию поступило 64 вопроса о предложениях с бесплатным билетом и "
                    "жильём. В девяти случаях по описанию звонивших уже были признаки долговой "
                    "кабалы.",
                ),
                (
                    "p",
                    "Центр советует до отъезда получить письменный договор на понятном языке и "
                    "оставить его копию и адрес работы родным.",
                ),
            ],
        },
    },
    {
        "slug": "isfara-shelter-expands",
        "days_ago": 63,
        "organisation": "Худжандский кризисный центр для женщин",
        "image": "spring",
        "countries": "TJ",
        "ru": {
            "title": "Убежище для женщин в Исфаре расширилось до десяти мест",
            "intro": "Теперь кризисный центр может одновременно принять женщин с детьми, вернувшихся "
            "из-за границы.",
            "tags": ["Исфара", "убежище"],
            "body": [
                (
                    "p",
                    "Женщины живут в убежище до трёх месяцев, получают медицинскую и юридическую "
                    "помощь, а дети продолжают учёбу в ближайшей школе.",
                ),
            ],
        },
    },
    {
        "slug": "family-leaflet-three-languages",
        "days_ago": 70,
        "organisation": OFFICE,
        "image": "winter",
        "countries": "KG,UZ,TJ",
        "ru": {
            "title": "Памятка для семей мигрантов вышла на трёх языках",
            "intro": "Короткая памятка объясняет семьям, что делать, если связь с уехавшим "
            "родственником пропала.",
            "tags": ["семьи", "материалы"],
            "body": [
                (
                    "p",
                    "Памятка написана простым языком и помещается на одном листе. Её можно скачать в "
                    "разделе ресурсов и распечатать для махалли, школы или медпункта.",
                ),
            ],
        },
        "en": {
            "title": "A leaflet for migrants' families is out in three languages",
            "intro": "A short leaflet tells families what to do when they lose contact with a "
            "relative who went abroad.",
            "tags": ["families", "materials"],
            "body": [
                (
                    "p",
                    "The leaflet is written in plain language and fits on one sheet. Download it from "
                    "the resources section and print it for a mahalla, a school or a health post.",
                ),
            ],
        },
    },
    {
        "slug": "kara-suu-border-information-point",
        "days_ago": 78,
        "organisation": "Ошский центр помощи мигрантам",
        "image": "evening",
        "countries": "KG,UZ",
        "ru": {
            "title": "У пограничного перехода в Кара-Суу работал информационный пункт",
            "intro": "Консультанты из Кыргызстана и Узбекистана вместе отвечали на вопросы людей, "
            "пересекающих границу.",
            "tags": ["Кара-Суу", "граница", "сотрудничество"],
            "body": [
                (
                    "p",
                    "Пункт работал пять дней. Консультанты двух стран отвечали на вопросы о правилах "
                    "пребывания, регистрации и о том, куда обращаться за помощью по обе стороны "
                    "границы.",
                ),
            ],
        },
    },
]

# --- Events -------------------------------------------------------------------

EVENTS = [
    {
        "slug": "police-training-identification",
        "days_from_now": -60,
        "hour": 10,
        "hours": 7,
        "time_zone": "Asia/Bishkek",
        "event_type": "training_police",
        "attendance": "in_person",
        "venue": "Учебный центр областного управления",
        "city": "Ош",
        "country": "KG",
        "organiser": OFFICE,
        "ru": {
            "title": "Тренинг для сотрудников милиции: выявление пострадавших",
            "intro": "Однодневный тренинг для участковых инспекторов и следователей о признаках "
            "торговли людьми и о том, как направить человека за помощью.",
        },
        "en": {
            "title": "Training for police officers: identifying victims",
            "intro": "A one-day training for community police officers and investigators on the signs "
            "of trafficking and how to refer a person for help.",
            "venue": "Training centre of the regional police department",
            "city": "Osh",
        },
    },
    {
        "slug": "network-meeting-khujand",
        "days_from_now": -20,
        "hour": 9,
        "hours": 8,
        "time_zone": "Asia/Dushanbe",
        "event_type": "network_meeting",
        "attendance": "hybrid",
        "venue": "Конференц-зал гостиницы у набережной",
        "city": "Худжанд",
        "country": "TJ",
        "online_url": "https://meet.example.org/network-khujand",
        "organiser": "Худжандский кризисный центр для женщин",
        "ru": {
            "title": "Встреча сети в Худжанде",
            "intro": "Обмен опытом работы убежищ и обсуждение совместного мониторинга.",
        },
    },
    {
        "slug": "lawyers-seminar-andijan",
        "days_from_now": 21,
        "hour": 10,
        "hours": 6,
        "time_zone": "Asia/Tashkent",
        "event_type": "training_lawyers",
        "attendance": "in_person",
        "venue": "Андижанский центр поддержки семьи",
        "address": "ул. Навои, 1",
        "city": "Андижан",
        "country": "UZ",
        "organiser": "Андижанский центр поддержки семьи",
        "registration_url": "https://forms.example.org/andijan-lawyers",
        "ru": {
            "title": "Семинар для адвокатов: права пострадавших в уголовном процессе",
            "intro": "Как защитить пострадавшего от повторной травмы на допросе и добиться "
            "возмещения вреда.",
        },
        "en": {
            "title": "Seminar for lawyers: victims' rights in criminal proceedings",
            "intro": "How to protect a victim from being traumatised again during questioning and how "
            "to obtain compensation.",
            "venue": "Andijan Family Support Centre",
            "address": "1 Navoi Street",
            "city": "Andijan",
        },
    },
    {
        "slug": "safe-migration-webinar",
        "days_from_now": 42,
        "hour": 15,
        "hours": 2,
        "time_zone": "Asia/Bishkek",
        "event_type": "public_event",
        "attendance": "online",
        "organiser": "Ферганская молодёжная инициатива",
        "registration_url": "https://forms.example.org/safe-migration-webinar",
        "ru": {
            "title": "Вебинар: безопасная трудовая миграция для выпускников колледжей",
            "intro": "Что проверить до отъезда, как читать трудовой договор и куда звонить в "
            "трудной ситуации. Вопросы можно задавать анонимно.",
        },
    },
]

# --- Campaign -----------------------------------------------------------------

CAMPAIGN = {
    "slug": "know-before-you-go",
    "start_days": -30,
    "end_days": 60,
    "countries": "KG,UZ,TJ",
    "image": "valley",
    "ru": {
        "title": "«Узнай до отъезда»",
        "intro": "Кампания для тех, кто собирается на заработки: пять вопросов, которые нужно "
        "задать работодателю до того, как покупать билет.",
        "target_regions": "Ошская, Джалал-Абадская и Баткенская области; Андижанская, Ферганская и "
        "Наманганская области; Согдийская область",
        "body": [
            (
                "p",
                "Вербовщики пользуются спешкой: билет уже куплен, место «держат только до завтра». "
                "Кампания напоминает, что у человека есть право спросить и получить ответ до отъезда.",
            ),
            ("h2", "Пять вопросов"),
            (
                "p",
                "Как называется компания и где она находится? Кто и когда оформит разрешение на "
                "работу? Сколько я буду получать и за что могут удержать деньги? Где я буду жить? "
                "У кого будет мой паспорт?",
            ),
        ],
    },
    "en": {
        "title": "Know before you go",
        "intro": "A campaign for people about to leave for work abroad: five questions to ask the "
        "employer before buying a ticket.",
        "target_regions": "Osh, Jalal-Abad and Batken regions; Andijan, Ferghana and Namangan "
        "regions; Sughd region",
        "body": [
            (
                "p",
                'Recruiters exploit haste: the ticket is already bought, the place is "held only until '
                'tomorrow". The campaign reminds people that they have the right to ask and to get an '
                "answer before they leave.",
            ),
            ("h2", "Five questions"),
            (
                "p",
                "What is the company called and where is it? Who will arrange the work permit, and "
                "when? How much will I earn, and what can be deducted? Where will I live? Who will "
                "hold my passport?",
            ),
        ],
    },
}


# --- Kyrgyz, Uzbek and Tajik ----------------------------------------------------


# Kept in their own module (they await a native speaker's review); merged here
# so the steps read one set of texts.
def _merge_local_languages():
    from . import demo_content_local as local

    HOME.update(local.HOME)
    HOME_BODY.update(local.HOME_BODY)
    for slug, texts in local.SECTIONS.items():
        SECTIONS[slug][1].update(texts)
    SECTION_BODIES.update(local.SECTION_BODIES)
    for key, _country, _phone, _order, texts in HOTLINES:
        texts.update(local.HOTLINES.get(key, {}))
    CAMPAIGN.update(local.CAMPAIGN)


_merge_local_languages()
