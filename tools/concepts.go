package tools

// Word lists that decide what a question is and which wordings ask the same
// thing. Like lexicon.go's, they were written for this project, in the five
// languages Stammer's agencies mostly serve, and are tested against the
// labelled set in testdata/questions_labelled.tsv (docs/insights.md gives
// the measured precision and recall). They are matched on stems (stem in
// grouping.go), so one form of a word covers its plural and most of its
// inflections.

// concepts are words that ask about the same thing in different words or
// languages: "cost", "price", "precio", "Preis" are all PRICE, so "how much
// does whitening cost?" and "whitening price??" share it. A concept's name
// is never shown; the wording users typed is. A list, not a map: a map
// literal is built at every start of the server, and the list's order
// makes the lexicon the same at every run.
var concepts = [...]struct{ name, words string }{
	{"PRICE", `cost costs costing price prices pricing priced charge fee fees expensive cheap precio precios cuesta cuestan costo coste
		costar tarifa tarifas preço preços preco custa custam custo valor caro cara prix coûte coûtent coût coûts tarif tarifs cher chère
		preis preise kostet kosten teuer gebühr gebühren rent rental alquiler aluguel loyer miete mietpreis`},
	{"BOOK", `book booking appointment appointments schedule reserve reservation cita citas reservar reserva turno agendar agendamento
		marcar consulta rendez réserver réservation termin termine buchen vereinbaren reservieren reservierung`},
	{"CANCEL", `cancel cancellation unsubscribe cancelar cancelo anular baja cancelamento annuler annulation résilier absagen stornieren kündigen kündige`},
	{"PLAN", `subscription subscriptions plan plans suscripción suscripcion assinatura abonnement abo abonnements`},
	{"HOURS", `hours hour open opening horario horarios apertura abren abierto abrir hora horário funcionamento atendimento abrem horaires heures heure ouverture ouvrez ouverts ouvert öffnungszeiten geöffnet offen`},
	{"PAIN", `hurt hurts painful pain duele dolor doloroso dói dor douloureux douleur weh schmerzhaft schmerzen`},
	{"TOOTH", `teeth tooth dental dientes diente dents dent dentaire dentes dente zähne zahn`},
	{"CLEAN", `cleaning clean limpieza limpeza détartrage zahnreinigung reinigung`},
	{"WHITEN", `whitening whiten blanqueamiento clareamento blanchiment bleaching zahnaufhellung aufhellung`},
	{"PARK", `parking park aparcamiento aparcar estacionamiento estacionar garer parkplatz parkplätze parken`},
	{"INSURE", `insurance insurer seguro seguros mutuelle mutuelles versicherung versicherungen krankenkasse krankenkassen`},
	{"CHILD", `children child kids kid niños niño hijo hija crianças criança filho filha enfants enfant fils fille kinder kind sohn tochter`},
	{"URGENT", `emergency urgent urgencia urgencias urgência emergência urgence urgences notfall notdienst zahnnotfall`},
	{"ADDRESS", `address located location dirección direccion ubicados ubicación endereço localização adresse situés situé trouve befinden`},
	{"VEG", `vegetarian vegan vegetariano vegetarianos vegetarianas vegano végétarien végétariens végétariennes végan vegetarisch vegetarische veganes`},
	{"DELIVER", `deliver delivery deliveries domicilio entrega entregas entregam livraison livrez livrer liefern lieferung lieferservice`},
	{"HOME", `flat apartment apartamento piso imóvel appartement logement wohnung property`},
	{"VISIT", `viewing view visit visitar visita visiter besichtigen besichtigung anschauen ver voir sehen`},
	{"PET", `pets pet dog dogs cat cats mascotas mascota perro animais animal cachorro animaux chien haustiere tiere hund`},
	{"PASSWORD", `password contraseña senha passe passwort`},
	{"RESET", `reset forgot change restablezco restablecer cambio olvidé olvide redefino esqueci mudo réinitialiser oublié changer zurücksetzen vergessen ändere`},
	{"INVOICE", `invoice invoices receipt factura facturas fatura faturas facture factures rechnung rechnungen`},
	{"PAY", `pay payment payments card credit installments pagar pago pagos tarjeta plazos pagamento cartão parcelar payer paiement carte zahlen zahlung zahlungsarten karte kreditkarte kreditkarten raten`},
	{"TABLE", `table tables mesa mesas tisch`},
}

// contextConcepts are concepts that say where or about what, not what is
// asked ("dental", "the flat", "an appointment"): a question may add them
// and still be the same question (see similar). genericConcepts ask
// something of whatever follows ("how much …"), so a question of that
// concept alone never absorbs a more specific one.
var (
	contextConcepts = [...]string{"TOOTH", "HOME", "BOOK"}
	genericConcepts = [...]string{"PRICE"}
)

// fillers are words that carry no topic in a chatbot question: when it is
// asked (days, "tonight"), polite verbs ("like", "need"), small numbers.
// They are left out of the words that group questions and of top words.
const fillers = `today tonight tomorrow week weekend monday tuesday wednesday thursday friday saturday sunday morning afternoon evening next
	make need want like would know tell help question anything something exactly possible people person two three four five
	time take accept offer available allowed options option dishes menu monthly month
	aceptan atienden ofrecen opciones platos menú mensual mes
	aceitam oferecem opções pratos mensal mês
	acceptez proposez plats mensuel mois
	akzeptieren bieten gerichte optionen monat monatlich
	treat see bring arrange get send copy download obtain
	tratan tratar llevar enviar copia descargo descargar obtengo obtener
	tratam levar cópia baixo baixar obtenho obter
	soignez amener envoyer copie télécharger obtenir
	behandeln bringen schicken senden kopie herunterladen bekomme
	hoy mañana noche semana lunes martes miércoles jueves viernes sábado domingo pedir necesito quiero gustaría saber personas dos tres cuatro
	hoje amanhã noite semana segunda terça quarta quinta sexta sábado domingo gostaria preciso quero fazer pessoas dois três quatro
	aujourd hui demain soir semaine lundi mardi mercredi jeudi vendredi samedi dimanche voudrais veux besoin faire prendre personnes deux trois quatre
	heute morgen abend woche montag dienstag mittwoch donnerstag freitag samstag samstags sonntag möchte brauche gerne personen zwei drei vier`

// askFirst are words that make a message a question when it starts with
// one ("how much is whitening" has no question mark but asks).
const askFirst = `how what whats when where which who why can could do does did is are will would should may have has any
	qué que cómo como cuándo cuando dónde donde cuánto cuanto cuánta cuanta cuántos cuantos cuál cual cuáles quién puedo puede pueden tienen hay hacen aceptan se
	quanto quanta quantos qual quais quem posso pode podem tem têm há aceitam vocês fazem dá
	comment quand où combien quel quelle quels quelles qui pourquoi est puis peux pouvez avez acceptez faites vous y
	wie was wann wo welche welcher welches wer warum kann können kannst gibt haben hat ist sind nehmen darf`

// askAnywhere are words that make a message a request or a problem report,
// which a chatbot treats as a question: "I'd like to book", "I forgot my
// password", "necesito una cita".
const askAnywhere = `need want like looking wondering forgot cant cannot unable problem error issue must
	necesito quiero quisiera gustaría busco olvidé olvide problema debo
	preciso quero gostaria esqueci consigo devo
	voudrais veux besoin cherche oublié oublie arrive problème dois
	möchte brauche suche würde vergessen fehler problem muss`

// howMuch words ask "how much" on their own (English and German need two
// words, handled in asksPrice); timeWords turn them into "how long".
const (
	howMuch   = `cuánto cuanto cuánta cuanta quanto quanta combien wieviel`
	timeWords = `long time tiempo tempo temps lange dauer dauert dura dure demora leva`
)

// acks are chat formulas that answer the bot rather than ask it ("perfect",
// "vale", "d'accord"): with greetings and thanks, a message made only of
// these is never a question, even with a question mark.
const acks = `perfect great awesome cool nice fine sure yes no yep nope lol hmm sorry bye goodbye cheers
	perfecto genial listo claro bueno perdón adiós sí
	perfeito ótimo beleza combinado tudo bem tchau sim
	parfait super accord merci revoir oui très bien
	perfekt super alles klar tschüss schön gut`
