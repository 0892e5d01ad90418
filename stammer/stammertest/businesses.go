package stammertest

import "sync"

// The four fixture businesses: their names, languages, platforms and
// topics. Each is built on first use: the demo and the tests need them, a
// normal start of the server does not. They are data, written as tables to
// be read and edited as such: their entries repeat in shape, business after
// business and language after language, and share no logic.

var clinicBiz = sync.OnceValue(func() *business {
	return newBusiness(business{
		name:        "Bright Smile Dental",
		langWeights: [nLangs]int{langEN: 50, langES: 25, langPT: 10, langFR: 8, langDE: 7},
		//                          none whatsapp facebook instagram dashboard embeded shared personalized API AUDIO masterchat
		platformWeights: [11]int{2, 34, 9, 7, 4, 26, 4, 3, 3, 6, 2},
		topics: [nLangs][][]qa{
			langEN: {
				{
					{"Hi, can I move my appointment to Friday?", "Of course! 😊 On Friday we have 9:30, 11:00 and 15:45 free. Which one suits you best?"},
					{"11 works", "Done ✅ Your appointment is now on Friday at 11:00 with Dr. Rivera. You'll get a reminder the day before."},
				},
				{
					{"Do you take walk-ins on Saturday?", "We're open on Saturdays from 9:00 to 13:00 and keep a few slots for emergencies, but check-ups need a booking. Would you like me to find you a time?"},
				},
				{
					{"How much is teeth whitening?", "In-office whitening is €390 and the take-home kit is €220. Both include a short consultation first 🦷✨"},
					{"is it painful?", "Most patients feel nothing, or a mild sensitivity for a day or two. We apply a desensitising gel before and after the treatment."},
				},
				{
					{"I have a really bad toothache since last night and my cheek is swollen 😣", "I'm sorry you're in pain. Swelling can mean an infection, so please call our emergency line (the number is on our website) — we keep same-day slots for urgent cases. If you have a fever or trouble swallowing, go to the nearest emergency room."},
					{"can I take ibuprofen?", "I can't give medical advice, but our dentists usually recommend following the dosage on the package and avoiding heat on the swollen area until you're seen."},
				},
				{
					{"Do you accept my insurance? It's through my employer", "We work with most major dental plans and can file the claim for you. Bring your insurance card to the front desk and we'll check your coverage before the treatment starts."},
				},
				{
					{"What age should my daughter have her first check-up?", "We recommend the first visit by age one, or within six months of the first tooth. Our paediatric dentist, Dr. Chen, sees children on Tuesdays and Thursdays 🧸"},
				},
				{
					{"do you do invisible braces?", "Yes! We offer clear aligners. Treatment usually takes 6–18 months, and the free 3D-scan consultation takes 30 minutes. Shall I book one?"},
					{"yes please, next week after 5pm", "Next week we have Tuesday at 17:30 and Wednesday at 18:00. Which one would you like?"},
					{"Wednesday", "Booked: Wednesday at 18:00, clear-aligner consultation 🗓️ Please arrive 10 minutes early to fill in the health form."},
				},
				{
					{"where can I park?", "There's free parking behind the building (entrance on Maple Street) and a public garage two blocks away. We're on the 2nd floor and there's a lift ♿"},
				},
				{
					{"I need to cancel tomorrow's cleaning", "No problem, I've cancelled your cleaning for tomorrow. Cancellations with less than 24 hours' notice may carry a €25 fee; the front desk will confirm. Would you like to rebook?"},
					{"not now thanks", "Alright! Just message us whenever you're ready 👋"},
				},
				{
					{"My gums bleed when I floss, should I be worried?", "Bleeding gums are common but usually a sign of inflammation. I can't diagnose it here, but a check-up and a professional cleaning are a good idea. You can book online at https://brightsmile.example/book or I can find you a slot."},
				},
				{
					{"Is Dr. Rivera available on Monday mornings?", "Dr. Rivera works Monday to Thursday. On Monday morning the first free slot is at 8:30 👩‍⚕️"},
					{"8:30 is perfect", "Great, you're booked with Dr. Rivera on Monday at 8:30 ✅"},
				},
			},
			langES: {
				{
					{"Hola, ¿tienen cita para una limpieza esta semana?", "¡Hola! 😊 Tenemos hueco el jueves a las 10:00 y el viernes a las 16:30. ¿Cuál le viene mejor?"},
					{"el viernes", "Perfecto, queda reservada su limpieza el viernes a las 16:30. Le enviaremos un recordatorio el día anterior."},
				},
				{
					{"¿Cuánto cuesta un implante?", "El implante completo (cirugía, pilar y corona) cuesta desde 1.250 €. La primera valoración con radiografía es gratuita. ¿Quiere que le reserve una?"},
				},
				{
					{"Me sangran las encías al cepillarme, ¿es normal?", "No es lo ideal: suele indicar inflamación de las encías. No puedo darle un diagnóstico por aquí, pero le recomendamos una revisión y una limpieza profesional. ¿Le busco cita?"},
					{"sí, por la tarde", "Tengo el martes a las 17:00 o el miércoles a las 18:30. ¿Cuál prefiere? 🦷"},
				},
				{
					{"¿Aceptan pago a plazos?", "Sí, ofrecemos financiación hasta 24 meses sin intereses para tratamientos superiores a 600 €."},
				},
				{
					{"Mi hijo de 6 años tiene una muela picada 😟", "Gracias por avisar. Nuestra odontopediatra atiende martes y jueves por la tarde. ¿Le reservo la primera cita disponible?"},
				},
			},
			langPT: {
				{
					{"Vocês fazem aparelho invisível?", "Fazemos sim! A consulta com digitalização 3D é gratuita e demora 30 minutos. Quer marcar? 😁"},
					{"pode ser para a próxima semana", "Tenho terça às 18h ou quinta às 9h. Qual prefere?"},
					{"quinta", "Marcado ✅ Quinta às 9h, consulta de alinhadores."},
				},
				{
					{"O meu filho de 5 anos nunca foi ao dentista, é normal?", "É comum, mas o ideal é a primeira consulta até ao primeiro ano de vida. A nossa odontopediatra atende às terças e quintas 🧸"},
				},
				{
					{"Têm estacionamento?", "Há estacionamento gratuito nas traseiras do edifício e um parque público a dois quarteirões 🚗"},
				},
				{
					{"Oi, vocês atendem sábado?", "Olá! Atendemos aos sábados das 9h às 13h, apenas com marcação. Quer marcar um horário? 😊"},
					{"quero sim, de manhã", "Tenho sábado às 10h30. Fica marcado?"},
					{"fica", "Marcado ✅ Sábado às 10h30. Até lá!"},
				},
				{
					{"Quanto custa o branqueamento?", "O branqueamento na clínica custa 390 € e o kit para casa 220 €. Os dois incluem uma consulta de avaliação ✨"},
				},
				{
					{"Perdi uma obturação, é urgente?", "Não costuma ser uma urgência, mas é melhor vir nos próximos dias para evitar que o dente parta. Temos vagas de urgência todas as manhãs."},
				},
			},
			langFR: {
				{
					{"Combien coûte un blanchiment ?", "Le blanchiment au cabinet coûte 390 € et le kit à domicile 220 €. Les deux incluent une consultation préalable ✨"},
				},
				{
					{"Mon fils a mal à une dent depuis hier 😟", "Je suis désolé pour lui. Nous avons des créneaux d'urgence chaque matin à 8h30. Voulez-vous que je vous en réserve un pour demain ?"},
					{"oui merci", "C'est réservé ✅ Demain à 8h30, consultation d'urgence."},
				},
				{
					{"Vous êtes ouverts le samedi ?", "Oui, le samedi de 9h à 13h, uniquement sur rendez-vous."},
				},
				{
					{"Bonjour, je voudrais un rendez-vous pour un détartrage", "Bonjour ! 😊 Nous avons des disponibilités mardi à 14h et jeudi à 9h30. Lequel vous convient ?"},
					{"jeudi 9h30 svp", "C'est noté : détartrage jeudi à 9h30. Vous recevrez un rappel la veille."},
				},
				{
					{"J'ai perdu un plombage, c'est urgent ?", "Ce n'est généralement pas une urgence, mais il vaut mieux consulter rapidement pour éviter une carie ou une fracture. Nous gardons des créneaux d'urgence chaque matin."},
				},
				{
					{"Est-ce que vous faites les gouttières invisibles ?", "Oui ! La consultation avec scan 3D est gratuite et dure 30 minutes. Voulez-vous que je vous en réserve une ?"},
				},
			},
			langDE: {
				{
					{"Was kostet ein Bleaching?", "Das Bleaching in der Praxis kostet 390 €, das Set für zu Hause 220 €. Beides beinhaltet ein kurzes Beratungsgespräch ✨"},
				},
				{
					{"Mir ist eine Füllung rausgefallen", "Das ist meist kein Notfall, sollte aber bald versorgt werden. Wir haben jeden Morgen um 8:30 Uhr Notfalltermine. Soll ich Ihnen morgen einen eintragen?"},
					{"ja bitte", "Eingetragen ✅ Morgen um 8:30 Uhr."},
				},
				{
					{"Kann ich meinen Termin absagen?", "Natürlich. Bitte sagen Sie mir Ihren Namen und das Datum des Termins, dann storniere ich ihn für Sie."},
					{"Donnerstag, 10 Uhr", "Erledigt, der Termin am Donnerstag um 10:00 Uhr ist storniert. Möchten Sie einen neuen vereinbaren?"},
				},
				{
					{"Guten Tag, haben Sie diese Woche noch einen Termin für eine Kontrolle frei?", "Guten Tag! 😊 Am Mittwoch um 8:30 Uhr oder am Freitag um 14:00 Uhr wäre noch etwas frei. Was passt Ihnen besser?"},
					{"Freitag bitte", "Erledigt ✅ Ihre Kontrolle ist am Freitag um 14:00 Uhr eingetragen."},
				},
				{
					{"Übernimmt die Krankenkasse die professionelle Zahnreinigung?", "Das hängt von Ihrer Versicherung ab. Viele Kassen bezuschussen die PZR teilweise. Bringen Sie bitte Ihre Versichertenkarte mit, dann prüfen wir das gern."},
				},
				{
					{"Ich habe Angst vorm Zahnarzt 😬", "Das geht vielen so, und Sie sind bei uns in guten Händen. Wir nehmen uns beim ersten Termin extra Zeit und erklären jeden Schritt vorher."},
				},
			},
		},
		long: [nLangs][]qa{
			langEN: {{wisdomToothQuery, aftercareAnswer()}},
		},
	}, "hello@brightsmile.example", "I can only help with questions about Bright Smile Dental — appointments, treatments and opening hours. 😊 What can I do for you?")
})

var realtyBiz = sync.OnceValue(func() *business {
	return newBusiness(business{
		name:        "Harbour Homes",
		langWeights: [nLangs]int{langEN: 40, langES: 20, langPT: 30, langFR: 5, langDE: 5},
		//                          none whatsapp facebook instagram dashboard embeded shared personalized API AUDIO masterchat
		platformWeights: [11]int{1, 32, 12, 9, 3, 28, 5, 4, 2, 2, 2},
		topics: [nLangs][][]qa{
			langEN: {
				{
					{"do you have any studios for students near the university?", "We do! 🎓 Three studios within a 10-minute walk of campus, from €720/month, bills included in two of them. Shall I send you the list?"},
					{"yes please", "Here you go: https://harbourhomes.example/listings?type=studio&near=university 📩"},
				},
				{
					{"My landlord won't return my deposit, what can I do?", "I'm sorry to hear that. If we manage the property, send us your contract number and we'll check the inspection report. Otherwise, I'm not able to advise on disputes with other agencies."},
				},
				{
					{"Is the 2-bedroom on Harbour Street still available?", "Yes, it's still available! 🏠 2 bedrooms, 1 bathroom, 78 m², balcony with a sea view, €1,450/month. Would you like to schedule a viewing?"},
					{"Can I see it Saturday morning?", "Saturday at 10:30 works. An agent will meet you at the entrance. Which name should I put on the booking?"},
					{"Sam", "Thanks, Sam! You're booked for Saturday at 10:30 on Harbour Street 🔑"},
				},
				{
					{"How much is my apartment worth? 3 bed in the old town", "Prices in the old town range from roughly €4,200 to €5,600 per m², depending on the floor, light and condition. For a proper estimate, one of our agents can do a free valuation visit — shall I set that up?"},
				},
				{
					{"are pets allowed in your rentals?", "It depends on the landlord. About half of our current listings accept pets 🐶 Tell me which property you're interested in and I'll check."},
				},
				{
					{"what is your commission for selling?", "Our standard fee is 3% + VAT of the final sale price. It includes professional photos, listings on the main property portals and open-house days 📸"},
				},
				{
					{"Can you help me get a mortgage?", "We work with independent mortgage brokers who compare offers from several banks at no cost to you. Shall I ask one to contact you?"},
					{"yes, by email please", "Done! A broker will email you within one working day 📧"},
				},
				{
					{"How much deposit do I need to rent?", "Usually two months' rent as a deposit plus the first month in advance. Some landlords accept rent-guarantee insurance instead."},
				},
				{
					{"do you have anything with a garden under 2000 a month?", "Right now we have two: a 3-bedroom townhouse in Westfield (€1,890) and a ground-floor flat with a small garden near the park (€1,650) 🌳 Want the details of either?"},
					{"the townhouse", "Here it is: https://harbourhomes.example/listings/HC-2214 — 3 bedrooms, 2 bathrooms, 40 m² garden, available from the 1st of next month."},
				},
			},
			langES: {
				{
					{"¿Tienen algún ático con terraza?", "Ahora mismo tenemos uno en el centro: 2 dormitorios, terraza de 25 m², 1.750 €/mes ☀️ ¿Le envío las fotos?"},
					{"sí, porfa", "Aquí las tiene: https://harbourhomes.example/es/inmuebles/HC-2307 📷"},
				},
				{
					{"¿Qué documentos necesito para alquilar?", "DNI o NIE, las tres últimas nóminas y el contrato de trabajo. Si es autónomo, la última declaración de la renta."},
				},
				{
					{"Buenas, ¿el piso de la calle Mayor admite mascotas?", "¡Hola! Sí, el propietario acepta mascotas pequeñas 🐱 ¿Quiere concertar una visita?"},
					{"sí, el jueves por la tarde", "Perfecto, el jueves a las 18:00. Un agente le esperará en el portal 🔑"},
				},
				{
					{"¿Cuánto hay que pagar de fianza?", "Por ley, un mes de fianza, y el propietario puede pedir hasta dos meses adicionales como garantía."},
				},
				{
					{"Quiero vender mi piso, ¿cómo funciona?", "Primero hacemos una valoración gratuita, luego las fotos profesionales y publicamos el anuncio en los principales portales. Normalmente vendemos en unos 60 días 📈"},
				},
			},
			langPT: {
				{
					{"Quanto tempo demora a vender uma casa convosco?", "Em média vendemos em 60 a 90 dias, dependendo da zona e do preço. A avaliação inicial é gratuita 📈"},
				},
				{
					{"Olá, o T2 na Rua das Flores ainda está disponível?", "Olá! Sim, ainda está disponível 🏡 T2 com 85 m², varanda e lugar de garagem, 1.350 €/mês. Gostaria de agendar uma visita?"},
					{"Pode ser quinta à tarde?", "Quinta às 17h00 está livre. Confirmo a visita?"},
					{"sim, obrigado", "Visita confirmada para quinta às 17h00. Até lá! 🔑"},
				},
				{
					{"Quais os documentos para arrendar?", "Normalmente pedimos documento de identificação, NIF, os três últimos recibos de vencimento e a última declaração de IRS."},
				},
				{
					{"Vocês compram casas para investimento?", "Não compramos diretamente, mas temos uma equipa dedicada a investidores que ajuda a encontrar imóveis com boa rentabilidade 📊"},
				},
				{
					{"Tem algum T1 perto do metro até 1000 euros?", "Tenho dois: um T1 renovado em Alvalade por 950 € e outro em Arroios por 990 € 🚇 Quer que envie as fotos?"},
					{"sim, por favor", "Aqui estão: https://harbourhomes.example/pt/imoveis?tipo=T1&max=1000 📷"},
				},
			},
			langFR: {
				{
					{"Je cherche un studio à louer, budget 800 €", "J'ai deux studios dans votre budget : un de 28 m² près de la gare (760 €) et un de 32 m² avec balcon (795 €). Lequel vous intéresse ?"},
					{"celui avec balcon", "Très bon choix ☀️ Les visites ont lieu le mercredi et le samedi. Quel jour vous arrange ?"},
					{"samedi matin", "C'est noté : samedi à 10h. Un agent vous attendra devant l'immeuble 🔑"},
				},
				{
					{"Les animaux sont acceptés ?", "Cela dépend du propriétaire. Dites-moi quel logement vous intéresse et je vérifie 🐶"},
				},
				{
					{"Combien vaut mon appartement ?", "Pour une estimation fiable, un de nos agents peut passer gratuitement. Souhaitez-vous prendre rendez-vous ?"},
				},
				{
					{"Bonjour, est-ce que l'appartement avec terrasse est toujours disponible ?", "Bonjour ! Oui, il est toujours disponible. 3 pièces, 68 m², terrasse de 15 m², 1 280 €/mois charges comprises. Souhaitez-vous le visiter ?"},
				},
				{
					{"Quels sont vos frais d'agence ?", "Pour une location, nos honoraires correspondent à un mois de loyer hors charges. Pour une vente, 3 % du prix final."},
				},
			},
			langDE: {
				{
					{"Wie hoch ist die Kaution?", "In der Regel drei Nettokaltmieten, zahlbar in drei Raten."},
				},
				{
					{"Haben Sie auch Häuser zum Kauf?", "Ja! Aktuell haben wir vier Reihenhäuser und zwei freistehende Häuser im Angebot 🏡 Welche Gegend interessiert Sie?"},
					{"eher am Stadtrand", "Dann passt das Reihenhaus in Westfield: 5 Zimmer, 130 m², Garten, 549.000 €. Soll ich Ihnen das Exposé schicken?"},
				},
				{
					{"Sind Haustiere erlaubt?", "Das hängt vom Vermieter ab. Nennen Sie mir die Wohnung, dann prüfe ich es gern 🐱"},
				},
				{
					{"Hallo, ist die Wohnung mit Balkon noch frei?", "Hallo! Ja, die Wohnung ist noch frei 🏠 3 Zimmer, 82 m², Südbalkon, 1.390 € warm. Möchten Sie einen Besichtigungstermin?"},
					{"Ja, gerne am Dienstag", "Dienstag um 18:00 Uhr ist möglich. Ich trage Sie ein ✅"},
				},
				{
					{"Welche Unterlagen brauche ich für die Bewerbung?", "Eine Kopie des Ausweises, die letzten drei Gehaltsnachweise und eine Mietschuldenfreiheitsbescheinigung."},
				},
			},
		},
		long: [nLangs][]qa{
			langPT: {{listingQuery, listingAnswer()}},
		},
	}, "info@harbourhomes.example", "I can only help with questions about Harbour Homes — our listings, viewings, renting and selling. 😊 What are you looking for?")
})

var restaurantBiz = sync.OnceValue(func() *business {
	return newBusiness(business{
		name:        "Trattoria Aurelia",
		langWeights: [nLangs]int{langEN: 40, langES: 15, langPT: 10, langFR: 25, langDE: 10},
		//                          none whatsapp facebook instagram dashboard embeded shared personalized API AUDIO masterchat
		platformWeights: [11]int{1, 28, 10, 20, 3, 22, 4, 3, 2, 5, 2},
		topics: [nLangs][][]qa{
			langEN: {
				{
					{"Do you have high chairs for babies?", "Yes, we have three high chairs and a changing table in the accessible bathroom 👶 Shall I note one on your booking?"},
				},
				{
					{"Can I change my booking from 7 to 8pm?", "Let me check… Yes, 20:00 is free for the same number of people ✅ Your booking has been moved."},
				},
				{
					{"Table for 4 tonight at 8?", "Let me check… 🍝 We have a table for 4 at 20:15 inside, or at 20:00 on the terrace. Which do you prefer?"},
					{"terrace!", "Booked ✅ Terrace, 4 people, tonight at 20:00. Please let us know if you'll be more than 15 minutes late."},
				},
				{
					{"do you have gluten free pasta?", "Yes! Every pasta dish can be made with gluten-free pasta, cooked in separate pots. Please tell your server about any allergies 🌾"},
				},
				{
					{"what time do you close on Sundays?", "On Sundays we're open 12:00–16:00 for lunch and 19:00–22:30 for dinner."},
				},
				{
					{"do you deliver?", "We deliver within 5 km through our website, and you can also pick up at the counter. Delivery takes about 35–45 minutes 🛵"},
				},
				{
					{"Can we book the whole place for a birthday party of 30 people?", "Happy to host you 🎉 For groups of 25+ we offer set menus from €38 per person, and the back room seats up to 35 guests. Which date are you thinking of?"},
					{"December 12", "December 12 is still free for the back room. I've noted a tentative booking — our events manager will email you the menu options to confirm."},
				},
				{
					{"any vegan options?", "Sure 🌱 The pizza marinara, the grilled vegetable risotto and the lemon sorbet are vegan, and most pizzas can be made without cheese."},
				},
				{
					{"We waited over an hour for our food last night. Really disappointing.", "I'm really sorry about that 😔 That's not the experience we want for you. I've passed your message to the manager, who will contact you to make it right."},
				},
				{
					{"Is the tiramisu homemade?", "Yes, made fresh every morning by our pastry chef, with mascarpone from a small dairy near Parma 😋"},
				},
			},
			langES: {
				{
					{"¿Tienen terraza?", "¡Sí! Tenemos terraza con estufas, abierta todo el año ☀️"},
				},
				{
					{"¿Hacen pizza sin gluten?", "Sí, tenemos base sin gluten para todas las pizzas, horneada aparte 🍕"},
				},
				{
					{"¿Se puede aparcar cerca?", "Hay un parking público a 200 metros, en la calle del Mercado."},
				},
				{
					{"¿Tienen menú del día?", "¡Sí! De lunes a viernes, menú del día a 16,50 € con primero, segundo, postre y bebida 🍽️"},
				},
				{
					{"Quiero reservar para 6 el sábado a las 21:00", "Tenemos mesa para 6 el sábado a las 21:00 ✅ ¿A nombre de quién la reservo?"},
					{"Lucía", "Perfecto, Lucía. Reserva confirmada para 6 personas el sábado a las 21:00."},
				},
			},
			langPT: {
				{
					{"Vocês estão abertos à segunda?", "À segunda-feira estamos fechados. De terça a domingo abrimos ao almoço e ao jantar 🍝"},
				},
				{
					{"Fazem entregas?", "Fazemos! Num raio de 5 km, através do nosso site. Demora cerca de 40 minutos 🛵"},
				},
				{
					{"Quero reservar para um aniversário, 12 pessoas", "Que bom! 🎉 Para 12 pessoas temos a mesa grande junto à janela. Para que dia?"},
					{"sábado às 20h", "Reservado ✅ Sábado às 20h00 para 12 pessoas. Se quiser, podemos preparar um bolo de aniversário."},
				},
				{
					{"Vocês têm opções vegetarianas?", "Temos sim! 🥗 Risotto de cogumelos, lasanha de legumes e várias pizzas vegetarianas."},
				},
				{
					{"Dá para reservar para amanhã ao almoço, 2 pessoas?", "Claro! Amanhã às 13h00 para 2 pessoas, confirmado ✅"},
				},
			},
			langFR: {
				{
					{"Quels sont vos horaires le dimanche ?", "Le dimanche, nous sommes ouverts de 12h à 16h et de 19h à 22h30."},
				},
				{
					{"Bonsoir, avez-vous une table pour deux ce soir ?", "Bonsoir ! Oui, nous avons une table pour deux à 19h45 ou à 21h30. Laquelle préférez-vous ?"},
					{"21h30", "C'est réservé ✅ Table pour deux ce soir à 21h30. À tout à l'heure ! 🍷"},
				},
				{
					{"Est-ce que vous avez des plats sans lactose ?", "Oui, plusieurs plats peuvent être préparés sans lactose. Signalez-le simplement à votre serveur en arrivant."},
				},
				{
					{"C'est possible de venir avec un chien ?", "Bien sûr 🐕 Les chiens sont les bienvenus en terrasse."},
				},
				{
					{"Vous faites des pizzas à emporter ?", "Oui ! Commandez sur notre site ou par téléphone, c'est prêt en 20 minutes 🍕"},
				},
			},
			langDE: {
				{
					{"Habt ihr vegane Gerichte?", "Klar 🌱 Pizza Marinara, Gemüserisotto und Zitronensorbet sind vegan."},
				},
				{
					{"Kann ich einen Gutschein kaufen?", "Ja! Gutscheine gibt es ab 25 € direkt im Restaurant oder auf unserer Website 🎁"},
				},
				{
					{"Wir sind 8 Personen am Samstag um 19 Uhr, geht das?", "Samstag um 19:00 Uhr haben wir noch einen Tisch für 8 ✅ Auf welchen Namen darf ich reservieren?"},
					{"Weber", "Danke! Der Tisch auf den Namen Weber ist reserviert ✅"},
				},
				{
					{"Habt ihr heute Abend noch einen Tisch für 3 Personen?", "Ja! Um 19:30 Uhr oder um 21:00 Uhr. Welche Uhrzeit passt euch? 🍕"},
					{"19:30", "Reserviert ✅ Tisch für 3 Personen heute um 19:30 Uhr."},
				},
				{
					{"Kann man bei euch mit Karte zahlen?", "Ja, wir akzeptieren alle gängigen Karten und kontaktloses Bezahlen."},
				},
			},
		},
		long: [nLangs][]qa{
			langEN: {{groupDinnerQuery(), groupDinnerAnswer}},
		},
	}, "ciao@trattoria-aurelia.example", "I can only help with reservations, our menu and opening hours at Trattoria Aurelia. 😊 Would you like to book a table?")
})

var supportBiz = sync.OnceValue(func() *business {
	return newBusiness(business{
		name:        "Ledgerly",
		langWeights: [nLangs]int{langEN: 60, langES: 10, langPT: 5, langFR: 10, langDE: 15},
		//                          none whatsapp facebook instagram dashboard embeded shared personalized API AUDIO masterchat
		platformWeights: [11]int{3, 10, 3, 2, 10, 38, 6, 5, 14, 3, 6},
		topics: [nLangs][][]qa{
			langEN: {
				{
					{"Can my accountant get read-only access?", "Yes! Settings → Team → Invite, and choose the 'Accountant' role: they can see and export everything, but can't send or edit invoices 👀"},
				},
				{
					{"How do I export my invoices to CSV?", "Go to Invoices → select the invoices (or tick the box at the top for all) → Export → CSV. The file includes client, amount, tax and status 📄"},
					{"it only exports 500 rows", "Exports are capped at 500 rows per file on the Starter plan. On Pro the limit is 50,000 rows, or you can filter by month and export in batches."},
				},
				{
					{"I can't log in, it says my password is wrong but I just reset it", "Sorry about that! Reset links expire after 30 minutes and only the newest one works. Please request a new link and use it right away. If you use single sign-on, log in with the 'Continue with Google' button instead."},
					{"still not working", "I'm not sure I can fix this from here — please contact support@ledgerly.example with the email you sign in with, and our team will check your account within a few hours."},
				},
				{
					{"how do I change my plan from monthly to annual?", "Settings → Billing → Change plan → Annual. You'll be credited for the unused part of this month, and annual billing saves you two months ✨"},
				},
				{
					{"Is there an API rate limit?", "Yes: 120 requests per minute per API key. Above that you'll get HTTP 429 with a Retry-After header telling you how many seconds to wait."},
				},
				{
					{"Does Ledgerly integrate with Stripe?", "Yes! Settings → Integrations → Stripe. Payments received in Stripe mark the matching invoices as paid automatically 💳"},
				},
				{
					{"How do I delete my account?", "Settings → Account → Delete account. Your invoices are permanently removed after 30 days, so export anything you need first. If you only want to stop paying, you can downgrade to the free plan instead."},
				},
				{
					{"the PDF invoice shows the wrong VAT number", "Thanks for reporting this! The VAT number on PDFs comes from Settings → Company details. If it's right there but wrong on the PDF, send us the invoice number and we'll look into it 🐛"},
					{"it's INV-2026-0815", "Thanks! I've opened ticket #58213 for our team. You'll get an email update within one working day."},
				},
				{
					{"can I invoice in USD and EUR?", "Yes, each client can have their own currency. Reports convert everything to your base currency using the daily ECB rate 💱"},
				},
				{
					{"Why was my card charged twice this month?", "I'm sorry about that! Usually one of the charges is a pending authorisation that disappears within 3–5 days. If both are still there after a week, write to billing@ledgerly.example and we'll refund the duplicate."},
				},
			},
			langES: {
				{
					{"No me llegan los correos de las facturas", "Revise la carpeta de spam y compruebe en Ajustes → Correo que su dirección de envío esté verificada ✉️"},
					{"ya está, gracias", "¡Perfecto! 🎉"},
				},
				{
					{"¿Cómo cambio la numeración de las facturas?", "En Ajustes → Facturas → Numeración puede definir el prefijo y el siguiente número."},
				},
				{
					{"¿Tienen app para el móvil?", "Sí, Ledgerly está disponible para iOS y Android 📱"},
				},
				{
					{"¿Puedo emitir facturas con mi logo?", "¡Claro! En Ajustes → Plantillas puede subir su logo y elegir los colores de sus facturas ✨"},
				},
				{
					{"¿Cómo conecto mi cuenta bancaria?", "En Ajustes → Bancos → Conectar banco. La sincronización es diaria y de solo lectura 🔒"},
				},
			},
			langPT: {
				{
					{"Como cancelo a minha assinatura?", "Em Definições → Faturação → Cancelar plano. A sua conta continua ativa até ao fim do período já pago."},
				},
				{
					{"Não consigo entrar na minha conta", "Peça um novo link em 'Esqueci-me da palavra-passe' e use-o nos 30 minutos seguintes. Se não resultar, escreva para support@ledgerly.example 🔐"},
				},
				{
					{"Dá para ligar ao meu banco?", "Sim! Em Definições → Bancos → Ligar banco. A sincronização é diária e apenas de leitura 🔒"},
				},
				{
					{"Como faço para emitir uma fatura recorrente?", "Em Faturas → Nova → Recorrente, escolha a frequência (mensal, trimestral ou anual) e a data de início 🔁"},
				},
				{
					{"Vocês emitem fatura em português?", "Sim! Em Definições → Idioma dos documentos pode escolher português, e os clientes recebem as faturas nesse idioma."},
				},
			},
			langFR: {
				{
					{"Comment exporter mes factures en CSV ?", "Factures → sélectionnez les factures → Exporter → CSV 📄"},
				},
				{
					{"Je n'arrive pas à me connecter", "Demandez un nouveau lien de réinitialisation et utilisez-le dans les 30 minutes. Si cela ne fonctionne pas, écrivez à support@ledgerly.example 🔐"},
				},
				{
					{"Est-ce qu'il y a une API ?", "Oui ! La documentation se trouve sur https://developers.ledgerly.example. La limite est de 120 requêtes par minute."},
				},
				{
					{"Comment ajouter un collaborateur à mon compte ?", "Allez dans Paramètres → Équipe → Inviter. Le plan Pro inclut 5 utilisateurs 👥"},
				},
				{
					{"Est-ce que Ledgerly gère la TVA intracommunautaire ?", "Oui. Indiquez le numéro de TVA du client et Ledgerly applique l'autoliquidation avec la mention légale sur la facture."},
				},
			},
			langDE: {
				{
					{"Wie ändere ich meine Rechnungsnummern?", "Unter Einstellungen → Rechnungen → Nummernkreis können Sie Präfix und nächste Nummer festlegen."},
				},
				{
					{"Kann ich meinen Steuerberater einladen?", "Ja! Unter Einstellungen → Team → Einladen die Rolle 'Steuerberater' wählen: Lesezugriff und Export, keine Änderungen 👀"},
				},
				{
					{"Wie kann ich meine Rechnungen als PDF herunterladen?", "Unter Rechnungen → Auswahl markieren → Exportieren → PDF. Sie erhalten eine ZIP-Datei mit allen ausgewählten Rechnungen 📄"},
				},
				{
					{"Ist Ledgerly DSGVO-konform?", "Ja. Alle Daten werden in der EU gespeichert, und unter Einstellungen → Datenschutz finden Sie unseren Auftragsverarbeitungsvertrag (AVV)."},
				},
				{
					{"Die Synchronisierung mit meiner Bank hängt seit gestern", "Danke für den Hinweis! Bitte trennen Sie die Bank unter Einstellungen → Banken einmal und verbinden Sie sie neu. Wenn es danach nicht klappt, melden Sie sich bei support@ledgerly.example 🔄"},
					{"hat funktioniert, danke", "Super, freut mich! 🎉"},
				},
			},
		},
		long: [nLangs][]qa{
			langEN: {{invoiceRunLogQuery(), invoiceRunLogAnswer}},
		},
	}, "support@ledgerly.example", "I can only help with questions about using Ledgerly — invoices, billing, integrations and your account. 😊 What do you need?")
})
