# ruff: noqa: E501 - prose, wrapped where a sentence reads best
"""Plain-language text for the forum pages, rewritten from the Liverpool City Region booklet
written with parent carers (seed 000). The meaning is kept; the words are made plainer."""

from __future__ import annotations

HOW_THE_FPS_WORKS: list[tuple[str, list[str]]] = [
    (
        "What the FPS is",
        [
            "The North West SEND Flexible Purchasing System (FPS) is a list of independent and "
            "non-maintained special schools and post-16 settings that have already been checked.",
            "Councils across the North West use it to find and pay for school places for children and "
            "young people with special educational needs and disabilities (SEND) who have an Education, "
            "Health and Care Plan. Cheshire East council runs it for the region, from 2021 to 2031.",
        ],
    ),
    (
        "How a school gets on the list",
        [
            "The list opens to new schools at set times. A school applies and sends its details and prices.",
            "A group of council staff check each application. They check the organisation is properly "
            "registered, has the right insurance, has the right policies, and is financially sound.",
            "For each school they also check its Ofsted (or Welsh or Scottish) registration, its "
            "Department for Education registration, its latest inspection result, its Statement of "
            "Purpose, and how it works with parents and listens to children and young people.",
            "A school that passes every check joins the list and signs an agreement. A school that does "
            "not pass is told why and can apply again later.",
        ],
    ),
    (
        "How councils use the list",
        [
            "When a child needs a place, the council can send the details to every school on the list "
            "that offers that kind of place and compare the answers. This is called a mini-competition.",
            "Sometimes it is best for the child to go straight to one school, for example because of its "
            "specialist support. This is called a direct award.",
            "Once a place is agreed, the council and the school sign an Individual Placement Agreement "
            "that says what the school will do for that child.",
            "The list shows a school's inspection result with its date. A school rated Requires "
            "Improvement or Inadequate is used only when it is the best or only option, with extra "
            "checks and visits.",
        ],
    ),
    (
        "How schools are checked after joining",
        [
            "Every year Cheshire East checks each school's registrations and insurance.",
            "Each council also visits and checks the schools it uses, to make sure they keep to the "
            "standards agreed.",
        ],
    ),
    (
        "Schools not on the list",
        [
            "Councils can still use schools that are not on the list. They must then follow all the "
            "purchasing rules themselves. Existing placements are not affected.",
        ],
    ),
]

JARGON: list[tuple[str, str]] = [
    (
        "Business case",
        "A report that explains why a new service is needed, where something is "
        "missing, and what it will cost.",
    ),
    (
        "Commissioning",
        "How councils plan and arrange the services and support that children and "
        "young people with SEND, and their families, need.",
    ),
    (
        "Commissioning cycle",
        "The four steps of commissioning, repeated over and over: understand, plan, do and review.",
    ),
    (
        "Contract",
        "A written, signed agreement that sets out what a provider will do and what it "
        "will cost. The law can make both sides keep to it.",
    ),
    (
        "Contract management",
        "Keeping in touch with providers before and after a contract is agreed, "
        "to know who can offer what and to check they deliver it.",
    ),
    (
        "Co-production",
        "Councils working with children, young people and families as equal partners "
        "when they make decisions about services, so the result suits everyone who uses it.",
    ),
    (
        "Decommissioning",
        "Ending a contract for a service, for example because it is no longer "
        "needed or is not good enough.",
    ),
    (
        "Demographics",
        "Facts about the people who live in an area, such as age, gender, ethnicity and "
        "SEND, and how these change over time.",
    ),
    ("Gaps in services", "Needs in the local area that no service meets yet."),
    (
        "Procurement",
        "How a council buys services and goods. Public bodies must follow the law, "
        "which asks for fair competition and value for money.",
    ),
    (
        "Provider",
        "An organisation the council pays to deliver a service it does not run itself, "
        "such as a special school or a care agency.",
    ),
    (
        "Quality assurance",
        "Checking and monitoring how well a provider is delivering the service "
        "it was chosen for, including visits and talking to the families who use it.",
    ),
    (
        "Service specification",
        "A document that describes the service to be bought: what it is for, "
        "how, where and by whom it is delivered, and how the council will know it is working.",
    ),
    (
        "Flexible Purchasing System (FPS)",
        "A list of checked providers that councils can buy places "
        "from, which new providers can join at set times.",
    ),
    ("Lot", "A type of place on the FPS, for example day places or 52-week residential places."),
    (
        "Education, Health and Care Plan (EHCP)",
        "A legal document from the council that describes a child or young person's special "
        "educational needs, the support they must get, and the outcomes it is meant to achieve. "
        "The places on the FPS are for children and young people who have one.",
    ),
    (
        "Area of need",
        "One of the four groups of special educational needs that schools and councils use: "
        "cognition and learning; communication and interaction; social, emotional and mental "
        "health; and sensory and/or physical needs.",
    ),
    (
        "Primary need",
        "A child's main need, within an area of need. The short names are: ASD, autistic "
        "spectrum disorder; SLCN, speech, language and communication needs; MLD, SLD and PMLD, "
        "moderate, severe and profound and multiple learning difficulties; SpLD, a specific "
        "learning difficulty such as dyslexia; SEMH, social, emotional and mental health; HI, "
        "VI and MSI, hearing, vision and multi-sensory impairment; PD, a physical disability.",
    ),
    (
        "Independent and non-maintained special schools",
        "Special schools that the council does not run. Independent schools are run by a "
        "company or charity; non-maintained special schools are charities approved by the "
        "Department for Education.",
    ),
    (
        "Individual Placement Agreement",
        "The contract for one child's place: what the school will provide, from when, who to "
        "contact and what it costs.",
    ),
    (
        "Mini-competition",
        "When a council asks several schools on the FPS whether they can meet a child's needs, "
        "and what it would cost, then chooses the best answer for that child.",
    ),
    (
        "Direct award",
        "When a council offers a place to one school without asking others first. It is allowed "
        "only in urgent cases, must be written down with the reasons, and is reviewed later.",
    ),
    (
        "Inspection band",
        "A simple summary this service works out from a school's latest "
        "inspections: pass, concern, fail or unknown. The inspectorate's own grade and its date are "
        "always shown beside it.",
    ),
]
